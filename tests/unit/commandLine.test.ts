import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The entry points take no options but --help: it lists every setting with its default, and anything else is
// refused, naming it, before anything starts.

const ROOT = path.resolve(__dirname, '..', '..');
const run = (entry: string, ...args: string[]) => runWith({}, entry, ...args);
const runWith = (env: NodeJS.ProcessEnv, entry: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', entry), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });

it.each([
  ['main.ts', 'npm start'],
  ['workerMain.ts', 'npm run worker'],
  ['apiMain.ts', 'npm run api'],
  ['workflowBundleMain.ts', 'node dist/workflowBundleMain.js'],
])('%s --help lists every setting with its default and an example; an unknown option exits 2', (entry, command) => {
  const help = run(entry, '--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toContain(`Usage: ${command}`);
  expect(help.stdout).toMatch(/^ {2}API_PORT +3000$/m);
  expect(help.stdout).toMatch(/^ {2}LOG_LEVEL +"info"$/m);
  expect(help.stdout).toMatch(/^ {2}DATABASE_URL +\(unset\)$/m);
  expect(help.stdout).toMatch(/Example:\n {2}\S+/);
  const wrong = run(entry, '--prot', '3000');
  expect(wrong.status).toBe(2);
  expect(wrong.stderr).toContain('unknown option "--prot"');
});

it('workflowBundleMain writes the bundle where WORKFLOW_BUNDLE_PATH says, and refuses to run without it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ooda-bundle-'));
  try {
    const target = path.join(dir, 'nested', 'workflow-bundle.js');
    const made = runWith({ WORKFLOW_BUNDLE_PATH: target }, 'workflowBundleMain.ts');
    expect({ status: made.status, stderr: made.stderr }).toEqual({ status: 0, stderr: '' });
    expect(made.stdout).toMatch(/^workflow bundle: .*workflow-bundle\.js \(\d+ bytes, build id \S+\)$/m);
    expect(readFileSync(target, 'utf8')).toContain('botWorkflow');
    const missing = runWith({ WORKFLOW_BUNDLE_PATH: '' }, 'workflowBundleMain.ts');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('WORKFLOW_BUNDLE_PATH: say where to write the bundle');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
