import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolEnvironment } from '../../src/config';
import { acceptsConnections } from '../../scripts/topology/ports';
import { startDevServer, temporalAnswers } from '../../src/temporal/devServer';
import { freePort } from '../support/globalSetup';

// The Temporal dev server `npm start` runs when it is given no TEMPORAL_ADDRESS, started here in the test's own
// process (the quick-start e2e runs the same code in a child, where coverage cannot see it): it answers with the
// namespace asked for, stops without leaving its port open, and hands back its own log when it dies before
// answering. (The embedded Postgres is an ES module jest cannot load: it runs in the services child that
// tests/support/globalSetup.ts starts for every integration run.)

jest.setTimeout(180_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ooda-dev-server-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Temporal dev server', () => {
  it('answers on its port with the namespace asked for, and stop() closes the port', async () => {
    const port = await freePort();
    const server = await startDevServer({ namespace: 'ooda-test', port, tools: toolEnvironment() });
    try {
      expect(server.address).toBe(`127.0.0.1:${port}`);
      expect(server.uiUrl).toBeUndefined();
      expect(await temporalAnswers(server.address, 'ooda-test')).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await acceptsConnections(port)).toBe(false);
    await server.stop(); // a second stop is a no-op
  });

  it('that dies before it answers fails the start with its exit and the tail of its log', async () => {
    const fake = path.join(dir, 'fake-temporal');
    writeFileSync(fake, '#!/bin/sh\necho "unknown flag: --sqlite-pragma (an old CLI)" >&2\nexit 3\n', { mode: 0o755 });
    const dbFilename = path.join(dir, 'temporal', 'dev.db');
    const start = startDevServer({
      namespace: 'default',
      port: await freePort(),
      dbFilename,
      cliPath: fake,
      tools: toolEnvironment(),
    });
    await expect(start).rejects.toThrow(/exited \(code 3, signal null\) before it answered/);
    await expect(start).rejects.toThrow(/unknown flag: --sqlite-pragma \(an old CLI\)/);
    await expect(start).rejects.toThrow(path.join(dir, 'temporal', 'temporal.log'));
  });

  it('refuses a TEMPORAL_CLI_PATH that is not an executable', async () => {
    const notExecutable = path.join(dir, 'not-a-cli');
    writeFileSync(notExecutable, 'text', { mode: 0o644 });
    await expect(
      startDevServer({
        namespace: 'default',
        port: await freePort(),
        cliPath: notExecutable,
        tools: toolEnvironment(),
      }),
    ).rejects.toThrow(`TEMPORAL_CLI_PATH=${notExecutable} is not an executable file`);
  });
});
