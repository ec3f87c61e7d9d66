import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolEnvironment } from '../../src/config';
import { buildCli } from '../../src/temporal/cli';

// Ctrl-C during the first `npm start`, while the temporal CLI is still being built (minutes on a fresh
// machine), must stop the build at once: the services process aborts it, and no `go` process is left behind.

const goBuilds = () =>
  execSync('ps -eo args', { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith('go install github.com/temporalio/cli'));

it('stops a build of the temporal CLI when aborted, leaving no go process', async () => {
  expect(goBuilds()).toEqual([]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ooda-cli-build-'));
  const abort = new AbortController();
  const build = buildCli(() => undefined, toolEnvironment(), path.join(dir, 'temporal'), abort.signal);
  await new Promise((r) => setTimeout(r, 1500));
  expect(goBuilds().length).toBe(1);
  const aborted = Date.now();
  abort.abort();
  await expect(build).rejects.toThrow('the temporal CLI build was stopped');
  expect(Date.now() - aborted).toBeLessThan(2000);
  await new Promise((r) => setTimeout(r, 500));
  expect(goBuilds()).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
}, 30_000);
