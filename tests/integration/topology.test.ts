import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { launchTopology, type Topology, type TeardownReport } from '../../scripts/topology/launcher';
import { isAlive } from '../../scripts/topology/ownedProcess';
import { acceptsConnections } from '../../scripts/topology/ports';
import {
  cyclesCompleted as botCyclesCompleted,
  cyclesKeepCompleting as botCyclesKeepCompleting,
} from '../support/botCycles';

// The production topology as separate OS processes (own Temporal dev server, own Postgres, the API, two
// workers), one bot cycling every second, and each chaos control once: after every blow the bot keeps cycling,
// and after stop() no process and no port is left.

jest.setTimeout(600_000);

let topology: Topology | undefined;
const timings: Record<string, number> = {};

function up(): Topology {
  if (!topology) throw new Error('the topology did not start');
  return topology;
}

const cyclesCompleted = () => botCyclesCompleted(up().apiUrl, 't1');
const cyclesKeepCompleting = (more = 2) => botCyclesKeepCompleting(up().apiUrl, 't1', more);

async function time<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  timings[label] = Date.now() - started;
  return result;
}

function exchangeRate(): Promise<number> {
  const url = `${up().alphaVantage.url}?function=CURRENCY_EXCHANGE_RATE&from_currency=BTC&to_currency=USD&apikey=x`;
  return fetch(url)
    .then((res) => res.json() as Promise<Record<string, Record<string, string>>>)
    .then((body) => Number(body['Realtime Currency Exchange Rate']['5. Exchange Rate']));
}

beforeAll(async () => {
  topology = await launchTopology({
    workers: 2,
    env: { TEMPORAL_TASK_QUEUE: 'topology-test', WORKER_SHUTDOWN_GRACE_SECONDS: '5' },
    fakeAlphaVantage: { priceWander: { periodSeconds: 60, amplitude: 0.04 } },
  });
  timings.startup = topology.startupMs;
});

afterAll(async () => {
  // A failed test must not leave the topology running.
  await topology?.stop();
  console.log(`topology timings (ms): ${JSON.stringify(timings)}\nrun dir: ${topology?.runDir}`);
});

test('a bot created through the API cycles on the launched topology', async () => {
  const res = await fetch(`${up().apiUrl}/api/bots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 't1', symbol: 'BTC/USD', intervalSeconds: 1 }),
  });
  expect(res.status).toBe(201);
  await time('firstTwoCycles', () => cyclesKeepCompleting(2));
  expect(up().alphaVantage.requests.length).toBeGreaterThan(0);
});

test('the stand-in exchange rate wanders with the wall clock', async () => {
  const before = await exchangeRate();
  await new Promise((r) => setTimeout(r, 1500));
  const after = await exchangeRate();
  expect(after).not.toBe(before);
  expect(Math.abs(after / 68_000 - 1)).toBeLessThanOrEqual(0.04);
});

test('every role is sampled: RSS for all, heap for the node processes', async () => {
  const samples = await up().sampleProcesses();
  const byName = new Map(samples.map((s) => [s.name, s]));
  for (const name of ['temporal', 'postgres', 'api', 'worker-0', 'worker-1'] as const) {
    expect(byName.get(name)?.rssBytes).toBeGreaterThan(0);
  }
  expect(byName.get('postgres')!.pids.length).toBeGreaterThan(1); // postmaster + its children
  for (const name of ['worker-0', 'worker-1', 'api'] as const) {
    expect(byName.get(name)?.heapUsed).toBeGreaterThan(0);
    // The main isolate's new space: V8 sizes its semi-spaces in whole pages (256 KiB).
    expect(byName.get(name)?.newSpace).toBeGreaterThan(0);
    expect(byName.get(name)!.newSpace! % (256 * 1024)).toBe(0);
    expect(byName.get(name)?.heapCollected).toBeUndefined();
  }
  // Asked to, the node processes collect garbage before they answer (the soak's heap criterion reads these).
  const collected = new Map((await up().sampleProcesses(true)).map((s) => [s.name, s]));
  for (const name of ['worker-0', 'worker-1', 'api'] as const) {
    expect(collected.get(name)).toMatchObject({ heapCollected: true, heapUsed: expect.any(Number) });
  }
  expect(collected.get('temporal')?.heapCollected).toBeUndefined();
  // And the Temporal server's Go heap, from its own metrics endpoint: in use, and held (in use + idle kept).
  const go = collected.get('temporal')!;
  expect(go.goHeapInUse).toBeGreaterThan(1024 * 1024);
  expect(go.goHeapHeld).toBeGreaterThanOrEqual(go.goHeapInUse!);
  expect(go.rssBytes).toBeGreaterThan(go.goHeapInUse!);
  expect(byName.get('temporal')?.goHeapInUse).toBeUndefined();
  // With them, a worker reports its workflow thread's heap, which its own heap figures leave out.
  for (const name of ['worker-0', 'worker-1'] as const) {
    const thread = collected.get(name)!;
    expect(thread.threadHeapTotal).toBeGreaterThan(0);
    // Its new space and old space, parts of that total (whether the new space holds its size is the probe's to
    // tell, tests/unit/workflowHeap.test.ts: a busy thread's reaches 32 MiB with V8's own sizing too).
    expect(thread.threadOldSpace).toBeGreaterThan(0);
    expect(thread.threadNewSpace).toBeGreaterThan(0);
    expect(thread.threadNewSpace! + thread.threadOldSpace!).toBeLessThan(thread.threadHeapTotal!);
    expect(byName.get(name)?.threadHeapTotal).toBeUndefined();
  }
});

test('the workers and the API run on the allocator the launcher chose (jemalloc where installed), as in the image', () => {
  const { allocator, env } = up().nodeAllocator;
  const mapped = (name: string) => {
    const pid = up()
      .processes()
      .find((p) => p.name === name)!.pid;
    return readFileSync(`/proc/${pid}/maps`, 'utf8');
  };
  for (const name of ['worker-0', 'worker-1', 'api']) {
    if (allocator === 'jemalloc') expect(mapped(name)).toContain(env.LD_PRELOAD);
    else expect(mapped(name)).not.toContain('libjemalloc');
  }
});

test('a SIGKILLed worker restarts in its slot with a new pid, and cycles go on', async () => {
  const before = up()
    .processes()
    .find((p) => p.name === 'worker-0')!;
  const exit = await time('killWorker', () => up().killWorker(0));
  expect(exit.signal).toBe('SIGKILL');
  const pid = await time('startWorker', () => up().startWorker(0));
  expect(pid).not.toBe(before.pid);
  expect(
    up()
      .processes()
      .find((p) => p.name === 'worker-0'),
  ).toMatchObject({ pid, alive: true });
  await time('cyclesAfterWorkerRestart', () => cyclesKeepCompleting(2));
});

test('Postgres crashed (immediate shutdown) and restarted: cycles go on', async () => {
  await time('crashPostgres', () => up().crashPostgres());
  await time('startPostgres', () => up().startPostgres());
  await time('cyclesAfterPostgresRestart', () => cyclesKeepCompleting(2));
});

test('Postgres paused for 3 s (SIGSTOP) and resumed: cycles go on', async () => {
  const paused = await up().pausePostgres();
  expect(paused.length).toBeGreaterThan(1);
  await new Promise((r) => setTimeout(r, 3000));
  await up().resumePostgres();
  await time('cyclesAfterPostgresPause', () => cyclesKeepCompleting(2));
});

test('Temporal SIGKILLed and restarted on the same db file: cycles go on', async () => {
  await time('killTemporal', () => up().killTemporal());
  await time('startTemporal', () => up().startTemporal());
  await time('cyclesAfterTemporalRestart', () => cyclesKeepCompleting(2));
  // The workers rode it out: none exited.
  expect(
    up()
      .processes()
      .every((p) => p.alive),
  ).toBe(true);
});

test('the API killed and restarted on its port; a third worker added, then stopped gracefully', async () => {
  await time('killApi', () => up().killApi());
  expect(await cyclesCompleted()).toBeUndefined();
  await time('startApi', () => up().startApi());
  expect(await cyclesCompleted()).toBeGreaterThan(0);
  const slot = await time('addWorker', () => up().addWorker());
  expect(slot).toBe(2);
  expect(await time('stopWorker', () => up().stopWorker(slot))).toBe(0);
  await cyclesKeepCompleting(2);
});

test('stop() leaves no process and no port behind', async () => {
  const t = up();
  const known = [t.apiUrl, `http://${t.temporalAddress}`, t.databaseUrl, t.alphaVantage.url, t.temporalUiUrl!];
  const pids = t.processes().map((p) => p.pid);
  const report: TeardownReport = await time('stop', () => t.stop());
  expect(report.alivePids).toEqual([]);
  expect(report.openPorts).toEqual([]);
  for (const pid of [...pids, ...report.pids]) expect(isAlive(pid)).toBe(false);
  const ports = new Set([...report.ports, ...known.map((url) => Number(new URL(url).port))]);
  expect(ports.size).toBeGreaterThanOrEqual(8);
  for (const port of ports) expect(await acceptsConnections(port)).toBe(false);
  expect(t.processes().every((p) => !p.alive)).toBe(true);
  const launcherLog = readFileSync(path.join(t.runDir, 'launcher.log'), 'utf8');
  expect(launcherLog).toMatch(/killWorker\(0, SIGKILL\)/);
  expect(launcherLog).toMatch(/stopped in \d+ ms/);
  rmSync(t.runDir, { recursive: true, force: true }); // kept only when something failed, for its logs
});
