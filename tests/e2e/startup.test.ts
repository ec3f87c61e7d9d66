import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { MIGRATIONS_DIR } from '../../src/db/migrate';
import { createTestDatabase } from '../support/harness';
import { freePort } from '../support/globalSetup';
import { ROOT } from '../support/processes';

// Five processes started at the same moment on a fresh database: three workers and two APIs. Each migrates at
// start-up; they must all come up (one applies the migrations while the others wait), and all stop with 0.

jest.setTimeout(240_000);

interface Proc {
  name: string;
  out: () => string;
  exited: Promise<number | null>;
  kill: (sig: NodeJS.Signals) => void;
}

function start(name: string, entry: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, out: () => out, exited, kill: (sig) => child.kill(sig) };
}

async function waitFor(p: Proc, text: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!p.out().includes(text)) {
    const early = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('running'), 200))]);
    if (early !== 'running') throw new Error(`${p.name} exited with ${String(early)} before "${text}":\n${p.out()}`);
    if (Date.now() > deadline) throw new Error(`${p.name}: no "${text}" in time:\n${p.out()}`);
  }
}

it('three workers and two APIs started at once on a fresh database all come up, and stop with 0', async () => {
  // Built once: concurrent `npm run worker` builds would race on dist/.
  expect(spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
  const db = await createTestDatabase();
  // A fresh database: drop what the harness migrated, so the five processes race on every migration.
  const pg = new PgClient({ connectionString: db.url });
  await pg.connect();
  await pg.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await pg.end();
  const base = {
    TEMPORAL_ADDRESS: process.env.OODA_TEST_TEMPORAL_ADDRESS!,
    DATABASE_URL: db.url,
    TEMPORAL_TASK_QUEUE: `startup-${Date.now()}`,
    WORKER_SHUTDOWN_GRACE_SECONDS: '2',
  };
  const ports = [await freePort(), await freePort()];
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const procs = [
    start('worker-1', 'workerMain.js', { ...base, WORKER_METRICS_ADDRESS: metricsAddress }),
    start('api-1', 'apiMain.js', { ...base, API_PORT: String(ports[0]) }),
    start('worker-2', 'workerMain.js', base),
    start('api-2', 'apiMain.js', { ...base, API_PORT: String(ports[1]) }),
    start('worker-3', 'workerMain.js', base),
  ];
  try {
    await Promise.all(
      procs.map((p) => waitFor(p, p.name.startsWith('worker') ? 'polling task queue' : 'listening on')),
    );
    for (const port of ports) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // The SDK's own Prometheus metrics, where WORKER_METRICS_ADDRESS says.
    const sdkMetrics = await (await fetch(`http://${metricsAddress}/metrics`)).text();
    expect(sdkMetrics).toMatch(/^temporal_\w+/m);
    const check = new PgClient({ connectionString: db.url });
    await check.connect();
    const { rows } = await check.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
    await check.end();
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    expect(rows.map((r) => `${r.name}.sql`)).toEqual(files.sort());
    // Exactly one process applied them; the others waited and found nothing to do.
    expect(procs.filter((p) => p.out().includes('applied migrations')).length).toBe(1);
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    const codes = await Promise.all(procs.map((p) => p.exited));
    await db.drop();
    expect(codes).toEqual([0, 0, 0, 0, 0]);
  }
});
