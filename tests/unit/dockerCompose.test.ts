import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { assertApiBinding, configDefaults, loadConfig } from '../../src/config';

// docker-compose.yml as Docker Compose itself reads it (`docker-compose config`: merged anchors, interpolated
// variables), judged on what the deployment promises. No container engine is needed, nor run.

const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = 'compose-test-token-0123456789';

interface Service {
  image?: string;
  build?: unknown;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string | number | null>;
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
  entrypoint?: string[];
  stop_grace_period?: string;
}

function composeConfig(env: Record<string, string>) {
  return spawnSync('docker-compose', ['config'], {
    cwd: ROOT,
    encoding: 'utf8',
    // Only what compose needs: a variable set on the machine running the tests must not change the answer.
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

const hasCompose = !spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).error;
if (!hasCompose) {
  console.warn(
    'docker-compose not found: skipping the docker-compose.yml checks (apt-get install docker-compose; .ci/run does)',
  );
}

(hasCompose ? describe : describe.skip)('docker-compose.yml, as docker-compose config reads it', () => {
  let services: Record<string, Service>;

  beforeAll(() => {
    const run = composeConfig({ API_TOKEN: TOKEN });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    services = (parse(run.stdout) as { services: Record<string, Service> }).services;
  });

  const envOf = (name: string) =>
    Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, v === null ? '' : `${v}`]));

  it('sets up the schema with admin-tools before the server starts, and the server only if that succeeded', () => {
    const setup = services['temporal-schema'];
    expect(setup.image).toMatch(/^temporalio\/admin-tools:/);
    expect(setup.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(setup.entrypoint?.join(' ')).toContain('/deploy/setup-postgres.sh');
    const script = readFileSync(path.join(ROOT, 'deploy/temporal/setup-postgres.sh'), 'utf8');
    for (const step of ['temporal-sql-tool', 'create', 'setup-schema', 'update-schema', 'temporal_visibility']) {
      expect(script).toContain(step);
    }
    expect(services.temporal.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(Object.values(services).some((s) => s.image?.startsWith('temporalio/auto-setup'))).toBe(false);
  });

  it('runs Temporal server 1.29.x with the admin-tools of the same version', () => {
    const server = services.temporal.image?.match(/^temporalio\/server:(1\.29\.\d+)$/);
    expect(server).not.toBeNull();
    for (const name of ['temporal-schema', 'temporal-namespace']) {
      expect(services[name].image).toMatch(new RegExp(`^temporalio/admin-tools:${server?.[1]}(-|$)`));
    }
  });

  it('starts the bot only after the namespace exists, with two workers on the prebuilt bundle', () => {
    for (const name of ['worker', 'api']) {
      expect(services[name].depends_on?.['temporal-namespace']).toEqual({
        condition: 'service_completed_successfully',
      });
    }
    expect(services.worker.deploy?.replicas).toBe(2);
    const dockerfileBundle = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').match(
      /^ARG WORKFLOW_BUNDLE_PATH=(\S+)$/m,
    )?.[1];
    expect(dockerfileBundle).toBeDefined();
    expect(envOf('worker').WORKFLOW_BUNDLE_PATH).toBe(dockerfileBundle);
  });

  it('gives the worker longer to stop than the grace its activities get', () => {
    const grace = loadConfig(envOf('worker')).worker.shutdownGraceMs / 1000;
    expect(Number(services.worker.stop_grace_period?.replace(/s$/, ''))).toBeGreaterThan(grace);
  });

  it('hands the worker and the API only settings config.ts knows, and valid ones', () => {
    const known = new Set(configDefaults().map(([name]) => name));
    for (const name of ['worker', 'api']) {
      expect(Object.keys(envOf(name)).filter((k) => !known.has(k))).toEqual([]);
      expect(() => assertApiBinding(loadConfig(envOf(name)))).not.toThrow();
    }
    expect(loadConfig(envOf('api')).api).toMatchObject({ host: '0.0.0.0', token: TOKEN });
  });

  it('refuses to start the API without API_TOKEN', () => {
    const run = composeConfig({});
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('set API_TOKEN');
  });

  it('health-checks every long-running service', () => {
    for (const name of ['postgres', 'temporal', 'worker', 'api']) {
      expect(services[name].healthcheck?.test.length).toBeGreaterThan(1);
    }
  });
});
