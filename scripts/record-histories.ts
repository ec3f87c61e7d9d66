// `npm run record-histories [-- --out tests/histories]`: records real workflow histories for the replay test
// (tests/unit/replay.test.ts), which replays each one against the current workflow code and fails on
// nondeterminism. Runs the production topology (one worker) with the Alpha Vantage stand-in and drives bots
// through every path worth guarding: continue-as-new runs, stop and start, retried and failed market data, the
// fallback, an open breaker, a drawdown halt and its resume, skipped slots.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { readCycleHistory, runIdsOf } from './observe/histories';
import { launchTopology, type Topology } from './topology/launcher';
import { temporalCliPath } from './topology/temporalProcess';
import { connectClient } from '../src/temporal/connection';

const USAGE = `npm run record-histories [-- --out <dir>]

Records real histories into <dir> (default tests/histories), replacing what is there:
every run of a few bots (continue-as-new, stop and start, a config change, a halt, live data with retries and an
open breaker, skipped slots) and the cycle children that took the interesting paths. Takes about two minutes.`;

const log = (line: string) => console.log(`[record] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface BotView {
  running: boolean;
  phase: string;
  cyclesCompleted: number;
  halted: boolean;
  runs: number;
  slotsSkipped: number;
  breaker: { state: string };
}

async function api<T>(t: Topology, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${t.apiUrl}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function until(t: Topology, id: string, what: string, check: (v: BotView) => boolean): Promise<BotView> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const v = await api<BotView>(t, 'GET', `/api/bots/${id}`);
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`bot ${id}: timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(300);
  }
}

async function scenarios(t: Topology): Promise<void> {
  const quick = { symbol: 'BTC/USD', intervalSeconds: 2, marketDataMode: 'quicktest' };
  // Several continue-as-new runs, with a stop and a start in between.
  await api(t, 'POST', '/api/bots', { ...quick, id: 'rh-runs', cyclesPerRun: 2 });
  // A max-drawdown halt, and the operator's start that clears it.
  await api(t, 'POST', '/api/bots', { ...quick, id: 'rh-halt', risk: { maxDrawdownFraction: 0.002 } });
  // Live data: a retried request, then failures into the fallback and an open breaker.
  await api(t, 'POST', '/api/bots', {
    id: 'rh-live',
    symbol: 'ETH/USD',
    intervalSeconds: 1,
    marketDataMode: 'live',
    breakerThreshold: 2,
    breakerCooldownSeconds: 600,
    marketDataMaxAttempts: 2,
  });

  await until(t, 'rh-runs', 'a continue-as-new', (v) => v.runs >= 1);
  // A config change (a Workflow Update: accepted and completed in history), and a refused one (no trace).
  await api(t, 'PATCH', '/api/bots/rh-runs/config', { cyclesPerRun: 3, marketDataMaxAttempts: 2 });
  const refused = await fetch(`${t.apiUrl}/api/bots/rh-runs/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: 'ETH/USD' }),
  });
  if (refused.status !== 400) throw new Error(`a bad config change answered ${refused.status}, not 400`);
  await api(t, 'POST', '/api/bots/rh-runs/stop');
  await until(t, 'rh-runs', 'the stop', (v) => !v.running && v.phase === 'IDLE');
  await sleep(1500);
  await api(t, 'POST', '/api/bots/rh-runs/start');
  await until(t, 'rh-runs', 'two more runs', (v) => v.runs >= 3);

  await until(t, 'rh-halt', 'the halt', (v) => v.halted);
  await api(t, 'POST', '/api/bots/rh-halt/start');
  const resumed = await until(t, 'rh-halt', 'the resume', (v) => !v.halted);
  await until(t, 'rh-halt', 'a cycle after the resume', (v) => v.cyclesCompleted > resumed.cyclesCompleted);

  const live = await until(t, 'rh-live', 'a live cycle', (v) => v.cyclesCompleted >= 1);
  t.alphaVantage.queue('CURRENCY_EXCHANGE_RATE', 'http-500');
  await until(t, 'rh-live', 'the retried cycle', (v) => v.cyclesCompleted >= live.cyclesCompleted + 2);
  t.alphaVantage.respondWith('CURRENCY_EXCHANGE_RATE', 'daily-quota');
  await until(t, 'rh-live', 'the breaker to open', (v) => v.breaker.state === 'open');
  const open = await until(t, 'rh-live', 'cycles on the fallback', (v) => v.cyclesCompleted >= 1);
  await until(t, 'rh-live', 'a cycle with the breaker open', (v) => v.cyclesCompleted > open.cyclesCompleted);

  // Skipped slots: no worker for over two intervals.
  await t.stopWorker(0);
  await sleep(5000);
  await t.startWorker(0);
  await until(t, 'rh-runs', 'skipped slots', (v) => v.slotsSkipped > 0);
  await sleep(2000);
  for (const id of ['rh-runs', 'rh-live']) await api(t, 'POST', `/api/bots/${id}/stop`);
  // The halted-then-resumed bot ends archived: its last run completes through the `archive` update.
  await api(t, 'DELETE', '/api/bots/rh-halt');
  for (const id of ['rh-runs', 'rh-halt', 'rh-live']) {
    await until(t, id, 'the final stop', (v) => !v.running && v.phase === 'IDLE');
  }
}

async function record(t: Topology, outDir: string): Promise<number> {
  const connection = await connectClient({ address: t.temporalAddress });
  const client = new Client({ connection });
  let files = 0;
  // The CLI's JSON: the standard history file format (the UI's download, `historyFromJSON`), readable in review.
  const cli = await temporalCliPath();
  const save = (name: string, workflowId: string, runId?: string) => {
    const args = ['workflow', 'show', '--address', t.temporalAddress, '--workflow-id', workflowId, '--output', 'json'];
    const json = execFileSync(cli, runId ? [...args, '--run-id', runId] : args, { encoding: 'utf8' });
    writeFileSync(path.join(outDir, `${name}.json`), json.endsWith('\n') ? json : `${json}\n`);
    files += 1;
  };
  try {
    for (const id of ['rh-runs', 'rh-halt', 'rh-live']) {
      const runs = await runIdsOf(client, `bot-${id}`);
      for (const [i, run] of runs.entries()) save(`bot-${id}-run-${i + 1}`, `bot-${id}`, run.runId);
    }
    // Cycle children: the first of each bot, and the live bot's retried and fallback cycles.
    const picked = new Map<string, string>();
    for (const id of ['rh-runs', 'rh-halt', 'rh-live']) picked.set(`bot-${id}-cycle-1`, `cycle-${id}-first`);
    const last = await lastCycle(client, 'rh-live');
    for (let n = 2; n < last; n++) {
      const stats = await readCycleHistory(client, `bot-rh-live-cycle-${n}`).catch(() => null);
      if (stats && stats.retries > 0) {
        picked.set(`bot-rh-live-cycle-${n}`, 'cycle-rh-live-retried');
        break;
      }
    }
    picked.set(`bot-rh-live-cycle-${last}`, 'cycle-rh-live-breaker-open');
    for (const [workflowId, name] of picked) save(name, workflowId);
  } finally {
    await connection.close();
  }
  return files;
}

async function lastCycle(client: Client, botId: string): Promise<number> {
  const handle = client.workflow.getHandle(`bot-${botId}`);
  const status = await handle.query<{ cyclesCompleted: number; lastCycle: { cycle: number } | null }>('status');
  return status.lastCycle?.cycle ?? status.cyclesCompleted;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a, i) => a !== '--out' && argv[i - 1] !== '--out');
  if (unknown.length || (argv.includes('--out') && !argv[argv.indexOf('--out') + 1])) {
    console.error(`unknown or incomplete option: ${unknown.join(' ') || '--out needs a directory'}\n\n${USAGE}`);
    return 2;
  }
  const outDir = path.resolve(argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : 'tests/histories');
  const t = await launchTopology({
    workers: 1,
    env: {
      WORKER_SHUTDOWN_GRACE_SECONDS: '2',
      ALPHAVANTAGE_PRICE_TTL_SECONDS: '0',
      ALPHAVANTAGE_REQUESTS_PER_SECOND: '50',
    },
    temporal: { devServer: { ui: false } },
    log,
  });
  try {
    await scenarios(t);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const files = await record(t, outDir);
    log(`recorded ${files} histories into ${outDir}`);
    return 0;
  } finally {
    await t.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('[record] failed:', err);
    process.exit(1);
  },
);
