import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { readBotHistory, readCycleHistory, type BotHistory, type CycleHistoryStats } from '../observe/histories';
import { auditLedger } from '../observe/ledgerAudit';
import { percentile } from '../observe/stats';
import { renderHtmlReport, verdictOf } from '../report/html';
import { machine } from '../report/machine';
import { launchTopology, type ProcessSample, type Topology } from '../topology/launcher';
import { childEnv } from '../topology/nodeProcess';
import { describeTemporal, topologyTemporal } from '../topology/temporalChoice';
import { topologyClient } from '../topology/temporalClient';
import type { SoakArgs } from './args';
import { charts, criteria, facts, lagsMs, memorySlopes, type SoakObservations } from './analysis';
import { fleet, fleetEnv, type FleetBot } from './fleet';

// The soak: a fleet of live bots on the production topology for M minutes, watched every 10 s (process
// samples) and every minute (a progress line), then judged from the workflow histories and the ledger.

const SAMPLE_EVERY_MS = 10_000;
/** One sample in six (once a minute) has the node processes collect garbage first: the heap criterion's points. */
const COLLECT_EVERY_SAMPLES = 6;
const PROGRESS_EVERY_MS = 60_000;
const log = (line: string) => console.log(`[soak] ${line}`);

interface BotView {
  running: boolean;
  phase: string;
  cyclesCompleted: number;
  portfolio: { equity: string } | null;
  lastCycle: { dueAt: string; startedAt: string } | null;
}

export async function api<T>(base: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

export interface SoakResult {
  outDir: string;
  verdict: ReturnType<typeof verdictOf>;
}

export async function runSoak(args: SoakArgs): Promise<SoakResult> {
  const outDir = path.resolve(
    args.out ?? path.join('reports', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  );
  mkdirSync(outDir, { recursive: true });
  log(
    `${args.bots} bots every ${args.intervalSeconds}s for ${args.minutes} min on ${args.workers} workers, ` +
      `${describeTemporal(args)}; out: ${outDir}`,
  );
  const topology = await launchTopology({
    runDir: path.join(outDir, 'run'),
    workers: args.workers,
    env: fleetEnv(args.intervalSeconds),
    fakeAlphaVantage: { priceWander: { periodSeconds: 240, amplitude: 0.06 } },
    temporal: topologyTemporal(args),
    nodeAllocator: args.allocator,
    log: (line) => log(line),
  });
  try {
    return await soakOn(topology, args, outDir);
  } finally {
    const teardown = await topology.stop();
    log(
      `stopped in ${teardown.stopMs} ms; processes left: ${teardown.alivePids.length}, ports open: ${teardown.openPorts.length}`,
    );
  }
}

async function soakOn(topology: Topology, args: SoakArgs, outDir: string): Promise<SoakResult> {
  // On a remote server's namespace, which outlives the run, bot ids of the run's own: no earlier soak's bot there.
  const prefix = args.temporal === 'remote' ? `soak${Date.now().toString(36).slice(-5)}-` : 'soak';
  const bots = fleet(args.bots, args.intervalSeconds, prefix);
  for (const bot of bots) await api(topology.apiUrl, 'POST', '/api/bots', bot);
  const startedAtMs = Date.now();
  log(`created ${bots.length} bots (startup ${topology.startupMs} ms)`);

  const samples: ProcessSample[] = [];
  const equity: SoakObservations['equity'] = [];
  const endAt = startedAtMs + args.minutes * 60_000;
  let nextProgress = startedAtMs + PROGRESS_EVERY_MS;
  let sampleNo = 0;
  while (Date.now() < endAt) {
    samples.push(...(await topology.sampleProcesses(sampleNo++ % COLLECT_EVERY_SAMPLES === 0)));
    if (Date.now() >= nextProgress) {
      nextProgress += PROGRESS_EVERY_MS;
      await progress(topology, bots, startedAtMs, samples, equity);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(SAMPLE_EVERY_MS, endAt - Date.now()))));
  }
  samples.push(...(await topology.sampleProcesses(true)));
  const stoppedAtMs = Date.now();
  await progress(topology, bots, startedAtMs, samples, equity);
  for (const bot of bots) await api(topology.apiUrl, 'POST', `/api/bots/${bot.id}/stop`);
  await settle(topology, bots);
  log('bots stopped; reading the workflow histories');

  const record = await readFleetRecord(
    topology,
    bots.map((b) => b.id),
  );
  if (args.temporal === 'remote') {
    // Read; now their workflows close, so nothing of the run is left open on a server that outlives it.
    for (const bot of bots) await api(topology.apiUrl, 'DELETE', `/api/bots/${bot.id}`);
    log('bots archived on the remote server');
  }
  const observations: SoakObservations = {
    startedAtMs,
    stoppedAtMs,
    intervalSeconds: args.intervalSeconds,
    warmupMinutes: args.warmupMinutes,
    samples,
    ...record,
    equity,
    alphaVantageRequests: topology.alphaVantage.requests.map((r) => ({
      function: r.function,
      symbol: r.params.from_currency ?? r.params.symbol ?? r.params.tickers ?? '?',
      at: r.at.getTime(),
    })),
  };
  return writeReport(observations, args, outDir, topology);
}

/** What the fleet did, from the workflow histories (every bot run, every closed cycle child) and the ledger. */
export async function readFleetRecord(
  topology: Pick<Topology, 'temporalEndpoint' | 'namespace' | 'databaseUrl'>,
  botIds: readonly string[],
): Promise<Pick<SoakObservations, 'bots' | 'children' | 'audit'>> {
  const { client, close } = await topologyClient(topology);
  let bots: BotHistory[];
  let children: CycleHistoryStats[];
  try {
    bots = await mapLimit(botIds, 4, (id) => readBotHistory(client, id));
    const ids = bots.flatMap((h) => h.cycles.filter((c) => c.outcome !== 'running').map((c) => c.workflowId));
    children = await mapLimit(ids, 8, (id) => readCycleHistory(client, id));
  } finally {
    await close();
  }
  const audit = await auditLedger(
    topology.databaseUrl,
    botIds,
    bots.flatMap((h) => h.cycles),
  );
  return { bots, children, audit };
}

/** Waits until no bot has a cycle in flight (at most a minute), so histories and journal are final. */
export async function settle(topology: Topology, bots: FleetBot[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const views = await Promise.all(bots.map((b) => api<BotView>(topology.apiUrl, 'GET', `/api/bots/${b.id}`)));
    if (views.every((v) => v.phase === 'IDLE')) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  log('warning: some bots still had a cycle in flight after a minute');
}

async function progress(
  topology: Topology,
  bots: FleetBot[],
  startedAtMs: number,
  samples: ProcessSample[],
  equity: SoakObservations['equity'],
): Promise<void> {
  const at = Date.now();
  const views = await Promise.all(
    bots.map((b) => api<BotView>(topology.apiUrl, 'GET', `/api/bots/${b.id}`).catch(() => null)),
  );
  views.forEach((v, i) => v?.portfolio && equity.push({ botId: bots[i].id, at, equity: Number(v.portfolio.equity) }));
  const lags = views.flatMap((v) =>
    v?.lastCycle?.dueAt ? [Date.parse(v.lastCycle.startedAt) - Date.parse(v.lastCycle.dueAt)] : [],
  );
  const cycles = views.reduce((s, v) => s + (v?.cyclesCompleted ?? 0), 0);
  const latest = new Map<string, ProcessSample>();
  for (const s of samples) latest.set(s.name, s);
  const rss = [...latest.values()].map((s) => `${s.name} ${Math.round(s.rssBytes / 1048576)}`).join(', ');
  const fills = await Promise.all(
    bots.map((b) =>
      // The newest trade's id is <botId>:<n>: n fills so far.
      api<{ trades: { tradeId: string }[] }>(topology.apiUrl, 'GET', `/api/bots/${b.id}/trades?limit=1`).then(
        (r) => Number(r.trades[0]?.tradeId.split(':').pop() ?? 0),
        () => 0,
      ),
    ),
  );
  log(
    `${((at - startedAtMs) / 60_000).toFixed(1)} min: ${cycles} cycles, lag p99 (latest cycles) ${percentile(lags, 99) ?? '-'} ms, ` +
      `${fills.reduce((s, n) => s + n, 0)} trades, RSS MB: ${rss}`,
  );
}

function writeReport(o: SoakObservations, args: SoakArgs, outDir: string, topology: Topology): SoakResult {
  const rows = criteria(o);
  const verdict = verdictOf(rows);
  const report = {
    kind: 'ooda-bot soak',
    generatedAt: new Date().toISOString(),
    args,
    machine: machine(),
    nodeAllocator: topology.nodeAllocator.description,
    workerV8: workerV8Settings(args.intervalSeconds),
    verdict,
    criteria: rows,
    facts: facts(o),
    memorySlopesMbPer10Min: memorySlopes(o),
    startupMs: topology.startupMs,
    lagMs: { p50: percentile(lagsMs(o), 50), p99: percentile(lagsMs(o), 99), max: percentile(lagsMs(o), 100) },
    audit: o.audit,
    bots: o.bots.map((b) => ({ botId: b.botId, runs: b.runs, skips: b.skips, cycles: b.cycles.length })),
    samples: o.samples,
  };
  writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const html = renderHtmlReport({
    title: `Soak: ${args.bots} bots every ${args.intervalSeconds}s for ${args.minutes} min`,
    subtitle: `${report.generatedAt} on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.machine.memoryGiB} GiB, Node ${report.machine.node}`,
    summaryRows: [...rows, ...facts(o)],
    charts: charts(o),
  });
  writeFileSync(path.join(outDir, 'report.html'), html);
  for (const r of rows)
    log(
      `${r.pass === true ? 'PASS' : r.pass === false ? 'FAIL' : 'n/a '} ${r.label}: ${r.value} (${r.threshold})${r.note ? ` — ${r.note}` : ''}`,
    );
  for (const f of facts(o)) log(`     ${f.label}: ${f.value}`);
  log(`${verdict.text}; report: ${path.join(outDir, 'report.html')}`);
  return { outDir, verdict };
}

/** The V8 settings the workers ran with (src/runtime/workflowHeap.ts), read as their config reads the launcher's env. */
function workerV8Settings(intervalSeconds: number) {
  const { heapGrowingPercent, semiSpaceMb } = loadConfig(childEnv(fleetEnv(intervalSeconds))).worker;
  return { heapGrowingPercent, semiSpaceMb };
}
