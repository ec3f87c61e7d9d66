import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { toolEnvironment } from '../../src/config';
import { launchTopology, type Topology } from '../../scripts/topology/launcher';
import { isAlive } from '../../scripts/topology/ownedProcess';
import { acceptsConnections } from '../../scripts/topology/ports';
import { buildServerBinaries, type ServerBinaries } from '../../scripts/topology/serverBinaries';
import { SERVER_DYNAMIC_CONFIG, sqlTarget, TEMPORAL_DATABASES } from '../../scripts/topology/serverConfig';
import { setupSchemas, validateDynamicConfig } from '../../scripts/topology/serverProcess';
import { cyclesKeepCompleting as botCyclesKeepCompleting } from '../support/botCycles';

// The launcher's `server` choice: the real Temporal server (go.temporal.io/server) on the topology's Postgres.
// A bot created through the API cycles on it, its search attributes answer a visibility query, the server
// survives a SIGKILL with its data in Postgres, and stop() leaves no process and no port behind. The binaries
// are built here when missing (`npm run temporal-server:build`, minutes the first time; Go is needed).

jest.setTimeout(900_000);

let binaries: ServerBinaries;
let topology: Topology | undefined;

function up(): Topology {
  if (!topology) throw new Error('the topology did not start');
  return topology;
}

const cyclesKeepCompleting = (more: number) => botCyclesKeepCompleting(up().apiUrl, 's1', more, 120_000);

beforeAll(async () => {
  binaries = await buildServerBinaries({ tools: toolEnvironment(), log: (m) => console.log(m) });
  topology = await launchTopology({
    workers: 1,
    temporal: { server: {} },
    env: { TEMPORAL_TASK_QUEUE: 'server-test', WORKER_SHUTDOWN_GRACE_SECONDS: '5' },
  });
});

afterAll(async () => {
  await topology?.stop();
});

test('the dynamic config check names a misspelt key; the launcher default passes it', async () => {
  const file = path.join(up().runDir, 'misspelt.yaml');
  writeFileSync(file, JSON.stringify({ 'history.transferProcessorMaxPolRPS': [{ value: 1000, constraints: {} }] }));
  await expect(validateDynamicConfig(binaries.server, file)).rejects.toThrow(/transferProcessorMaxPolRPS/);
  const good = path.join(up().runDir, 'good.yaml');
  const doc = Object.fromEntries(Object.entries(SERVER_DYNAMIC_CONFIG).map(([k, v]) => [k, [{ value: v }]]));
  writeFileSync(good, JSON.stringify(doc));
  await expect(validateDynamicConfig(binaries.server, good)).resolves.toBeUndefined();
});

test('both databases are at the schema versions the binary carries; a second setup changes nothing', async () => {
  const versionOf = async (database: string) => {
    const url = new URL(up().databaseUrl);
    url.pathname = `/${database}`;
    const client = new PgClient({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query<{ curr_version: string }>('SELECT curr_version FROM schema_version')).rows[0]
        .curr_version;
    } finally {
      await client.end();
    }
  };
  const versions = () => Promise.all(Object.values(TEMPORAL_DATABASES).map(versionOf));
  const before = await versions();
  // 1.18 and 1.9 in server v1.29.1: above the 0.0 that setup-schema writes, so update-schema ran.
  for (const v of before) expect(Number(v.split('.')[0]) * 100 + Number(v.split('.')[1])).toBeGreaterThan(100);
  await setupSchemas(binaries.sqlTool, sqlTarget(up().databaseUrl));
  expect(await versions()).toEqual(before);
});

test('a bot created through the API cycles, and its search attributes answer a visibility query', async () => {
  const res = await fetch(`${up().apiUrl}/api/bots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 's1', symbol: 'BTC/USD', intervalSeconds: 1, marketDataMode: 'quicktest' }),
  });
  expect(res.status).toBe(201);
  await cyclesKeepCompleting(3);
  const connection = await Connection.connect({ address: up().temporalAddress });
  try {
    const client = new Client({ connection });
    const found: string[] = [];
    // Visibility is written after the fact: give it a few seconds.
    for (let i = 0; i < 20 && found.length === 0; i++) {
      for await (const w of client.workflow.list({ query: "BotId = 's1' AND WorkflowType = 'botWorkflow'" })) {
        found.push(w.workflowId);
      }
      if (found.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(found).toEqual(['bot-s1']);
  } finally {
    await connection.close();
  }
});

test("the sampler reads the server's Go heap from its metrics endpoint, as it does the dev server's", async () => {
  const server = (await up().sampleProcesses(true)).find((s) => s.name === 'temporal')!;
  expect(server.goHeapInUse).toBeGreaterThan(1024 * 1024);
  expect(server.goHeapHeld).toBeGreaterThanOrEqual(server.goHeapInUse!);
});

test('the server SIGKILLed and restarted on the same databases, without setting them up again: cycles go on', async () => {
  await up().killTemporal();
  await up().startTemporal();
  await cyclesKeepCompleting(2);
  const launcherLog = readFileSync(path.join(up().runDir, 'launcher.log'), 'utf8');
  expect(launcherLog.match(/^\S+ startTemporal: /gm)).toHaveLength(2);
  expect(launcherLog.match(/^\S+ temporalSchema: /gm)).toHaveLength(1);
  expect(
    up()
      .processes()
      .every((p) => p.alive),
  ).toBe(true);
});

test('stop() leaves no process and no port behind', async () => {
  const t = up();
  const pids = t.processes().map((p) => p.pid);
  const report = await t.stop();
  expect(report.alivePids).toEqual([]);
  expect(report.openPorts).toEqual([]);
  for (const pid of [...pids, ...report.pids]) expect(isAlive(pid)).toBe(false);
  // The frontend's gRPC, HTTP and metrics ports and every service's internal ones.
  expect(report.ports.length).toBeGreaterThanOrEqual(12);
  for (const port of report.ports) expect(await acceptsConnections(port)).toBe(false);
  rmSync(t.runDir, { recursive: true, force: true }); // kept only when something failed, for its logs
});
