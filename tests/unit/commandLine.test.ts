import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The entry points take no options but --help: it lists every setting with its default, and anything else is
// refused, naming it, before anything starts.

const ROOT = path.resolve(__dirname, '..', '..');
const run = (entry: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', entry), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });

it.each([
  ['main.ts', 'npm start'],
  ['workerMain.ts', 'npm run worker'],
  ['apiMain.ts', 'npm run api'],
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
