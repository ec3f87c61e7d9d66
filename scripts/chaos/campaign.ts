import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { type BotHistory, readBotHistory, readCycleHistory } from '../observe/histories';
import { auditLedger } from '../observe/ledgerAudit';
import { mapLimit } from '../soak/run';
import { sleep } from '../topology/ownedProcess';
import { temporalCliPath } from '../topology/temporalProcess';
import { launchTopology, type TeardownReport, type Topology } from '../topology/launcher';
import { describeTemporal, topologyTemporal } from '../topology/temporalChoice';
import type { ChaosArgs } from './args';
import { FaultExecutor, type OperatorSignal } from './faults';
import { chaosEnv, initialFleet } from './fleet';
import { type CampaignBot, checkInvariants, faultsEnd, type Invariant, type Observations } from './invariants';
import {
  crashPointHitsInLogs,
  readBotFacts,
  readJournalFacts,
  recomputeAccounts,
  workflowTaskFailuresOf,
} from './observe';
import { botView, fellBackToSignal, sendUntilAccepted } from './operator';
import { buildReport, type ChaosReport, printSummary, writeReport } from './report';
import { buildSchedule, type ChaosSchedule } from './schedule';
import { connectClient } from '../../src/temporal/connection';

// One campaign: launch the topology, create the bots, let the schedule loose, wait out the quiet tail, stop the
// bots so that histories and journal are final, read them, judge, report, tear down.

const PROGRESS_EVERY_MS = 20_000;
export const log = (line: string) => console.log(`[chaos] ${line}`);

export interface ChaosResult {
  pass: boolean;
  outDir: string;
  report: ChaosReport;
}

export async function runChaos(args: ChaosArgs, schedule: ChaosSchedule = buildSchedule(args)): Promise<ChaosResult> {
  const outDir = path.resolve(
    args.out ?? path.join('reports', `chaos-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  );
  const runDir = path.join(outDir, 'run');
  const tokensDir = path.join(runDir, 'chaos-tokens');
  mkdirSync(tokensDir, { recursive: true });
  writeFileSync(path.join(outDir, 'schedule.json'), `${JSON.stringify(schedule, null, 2)}\n`);
  log(`seed ${args.seed}${args.seedGiven ? '' : ' (drawn at random)'}, ${describeTemporal(args)}; out: ${outDir}`);

  const topology = await launchTopology({
    runDir,
    workers: args.workers,
    env: chaosEnv(`execution.afterFill,learning.afterJournal,tokens=${tokensDir}`),
    fakeAlphaVantage: { priceWander: { periodSeconds: 120, amplitude: 0.03 } },
    temporal: topologyTemporal(args),
    log: (line) => log(`launcher: ${line.replace(/^\S+ /, '')}`),
  });
  let observed: { o: Observations; invariants: Invariant[]; campaignMs: number };
  try {
    observed = await campaignOn(topology, args, schedule, tokensDir, outDir);
  } catch (err) {
    await stopTopology(topology);
    throw err;
  }
  // The verdict is written and printed before the teardown, so that nothing in it can lose the verdict.
  const { o, invariants, campaignMs } = observed;
  // Everything the verdict was computed from, so that a report can be rebuilt without running again.
  writeFileSync(path.join(runDir, 'observations.json'), JSON.stringify(o));
  const extra = { runDir, startupMs: topology.startupMs, campaignMs };
  let report = buildReport(args, o, invariants, extra);
  writeReport(outDir, report);
  printSummary(report, invariants, outDir, log);
  const teardown = await stopTopology(topology);
  if (teardown) {
    report = buildReport(args, o, invariants, { ...extra, teardown });
    writeReport(outDir, report);
  }
  return { pass: report.pass, outDir, report };
}

/** Stops the topology, at most three minutes (the launcher keeps the process alive while it stops). */
async function stopTopology(topology: Topology): Promise<TeardownReport | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 180_000)));
    const teardown = await Promise.race([topology.stop(), timeout]);
    if (teardown) {
      log(
        `topology stopped in ${teardown.stopMs} ms; processes left: ${teardown.alivePids.length}, ports open: ${teardown.openPorts.length}`,
      );
    } else log('warning: the topology did not finish stopping within 3 minutes');
    return teardown;
  } catch (err) {
    log(`warning: stopping the topology failed: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

async function campaignOn(
  topology: Topology,
  args: ChaosArgs,
  schedule: ChaosSchedule,
  tokensDir: string,
  outDir: string,
) {
  const bots: CampaignBot[] = [];
  for (const config of initialFleet(args.bots)) {
    const created = await sendUntilAccepted(topology.apiUrl, 'POST', '/api/bots', config, (s) => s === 201, 60_000);
    if (created.acceptedAt === null) throw new Error(`could not create bot ${config.id}: ${created.note}`);
    bots.push({ config, createdAt: created.acceptedAt, initial: true });
  }
  await firstCycles(topology, bots);

  const t0 = Date.now();
  log(`campaign starts: ${schedule.events.length} events over ${args.minutes} min`);
  const executor = new FaultExecutor({
    topology,
    t0,
    tokensDir,
    workers: args.workers,
    initialBots: args.bots,
    log: (line) => log(`+${((Date.now() - t0) / 1000).toFixed(1)} s ${line}`),
  });
  let progressing = true;
  const progress = (async () => {
    while (progressing) {
      await sleep(PROGRESS_EVERY_MS);
      if (progressing) await progressLine(topology, executor, bots, t0);
    }
  })();
  try {
    await executor.run(schedule.events);
    const lastEnd = faultsEnd({ t0, records: executor.records, unplanned: executor.unplanned } as Observations);
    const endAt = Math.max(t0 + args.minutes * 60_000, lastEnd + schedule.tailMs);
    log(
      `every event done; the last fault ended at +${((lastEnd - t0) / 1000).toFixed(1)} s; quiet until +${((endAt - t0) / 1000).toFixed(0)} s`,
    );
    while (Date.now() < endAt) await sleep(Math.min(1000, endAt - Date.now()));
  } finally {
    progressing = false;
    await executor.stopSupervisor();
    await progress;
  }
  const campaignMs = Date.now() - t0;
  if (!executor.allUp()) log('warning: not every part is up at the end of the campaign');
  for (const c of executor.created) {
    if (c.acceptedAt !== null) bots.push({ config: c.config, createdAt: c.acceptedAt, initial: false });
  }

  // The bots' final state as they report it, then stop them all so that nothing moves while it is read.
  const finalRunning: Record<string, boolean | null> = {};
  const finalConfig: Record<string, Record<string, unknown> | null> = {};
  for (const b of bots) {
    const view = await viewWithRetry(topology, b.config.id);
    finalRunning[b.config.id] = view?.running ?? null;
    finalConfig[b.config.id] = view?.config ?? null;
  }
  const settleAt = Date.now();
  const settleSignals: OperatorSignal[] = [];
  for (const b of bots) {
    const out = fellBackToSignal(
      await sendUntilAccepted(
        topology.apiUrl,
        'POST',
        `/api/bots/${b.config.id}/stop`,
        undefined,
        // 200: applied as an update; 202: no worker in time, recorded as the signal (applied when one runs).
        (s) => s === 200 || s === 202,
      ),
    );
    settleSignals.push({
      botId: b.config.id,
      kind: 'stop',
      eventId: 0,
      acceptedAt: out.acceptedAt,
      ambiguous: out.ambiguous,
    });
  }
  await idle(topology, bots);
  log('bots stopped and idle; reading the histories, the ledger and the journal');

  const ids = bots.map((b) => b.config.id);
  const connection = await connectClient({ address: topology.temporalAddress });
  const client = new Client({ connection });
  let histories: BotHistory[];
  try {
    histories = await mapLimit(ids, 4, (id) => readBotHistory(client, id));
    const facts = await mapLimit(ids, 4, (id) => readBotFacts(client, id));
    const cycleIds = histories.flatMap((h) => h.cycles.filter((c) => c.outcome !== 'running').map((c) => c.workflowId));
    const cycleStats = await mapLimit(cycleIds, 8, (id) => readCycleHistory(client, id));
    const cycleTaskFailures = (
      await mapLimit(
        cycleStats.filter((c) => c.workflowTaskFailures > 0),
        4,
        (c) => workflowTaskFailuresOf(client, c.workflowId),
      )
    ).flat();
    // A history with a failed workflow task is kept where the report is: CI's log shows only the summary, and
    // the replay test (tests/unit/replay.test.ts) takes these files as they are.
    const failedRuns = [...facts.flatMap((f) => f.workflowTaskFailures), ...cycleTaskFailures];
    await saveHistories(topology, path.join(outDir, 'histories'), failedRuns);
    const audit = await auditLedger(
      topology.databaseUrl,
      ids,
      histories.flatMap((h) => h.cycles),
    );
    const journal = await readJournalFacts(topology.databaseUrl, ids);
    const accounts = await recomputeAccounts(topology.databaseUrl, ids);
    const o: Observations = {
      schedule,
      t0,
      records: executor.records,
      unplanned: executor.unplanned,
      signals: executor.signals,
      configChanges: executor.configChanges,
      settle: { at: settleAt, signals: settleSignals },
      bots,
      finalRunning,
      finalConfig,
      histories,
      facts,
      cycleStats,
      cycleTaskFailures,
      audit,
      accounts,
      journal,
      crashPointHits: {
        tokensClaimed: readdirSync(tokensDir).filter((f) => f.includes('.hit-')).length,
        inLogs: crashPointHitsInLogs(topology.runDir),
      },
    };
    return { o, invariants: checkInvariants(o), campaignMs };
  } finally {
    await connection.close();
  }
}

/** Each run's history once, as the CLI's JSON (the UI's download format), into dir. */
async function saveHistories(
  topology: Topology,
  dir: string,
  runs: { workflowId: string; runId: string }[],
): Promise<void> {
  const unique = new Map(runs.map((r) => [`${r.workflowId}-${r.runId}`, r]));
  if (unique.size === 0) return;
  mkdirSync(dir, { recursive: true });
  const cli = await temporalCliPath();
  for (const [name, r] of unique) {
    const json = execFileSync(
      cli,
      [
        'workflow',
        'show',
        '--address',
        topology.temporalAddress,
        '--workflow-id',
        r.workflowId,
        '--run-id',
        r.runId,
        '--output',
        'json',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    writeFileSync(path.join(dir, `${name}.json`), json);
  }
  log(`${unique.size} histories with a failed workflow task saved in ${dir}`);
}

async function viewWithRetry(topology: Topology, id: string) {
  for (let i = 0; i < 30; i++) {
    const v = await botView(topology.apiUrl, id);
    if (v) return v;
    await sleep(1000);
  }
  return null;
}

/** Every bot has completed a first cycle: the campaign starts from a fleet that works. */
async function firstCycles(topology: Topology, bots: CampaignBot[]): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (const b of bots) {
    for (;;) {
      const v = (await botView(topology.apiUrl, b.config.id)) as { cyclesCompleted?: number } | null;
      if ((v?.cyclesCompleted ?? 0) >= 1) break;
      if (Date.now() > deadline) throw new Error(`bot ${b.config.id} completed no cycle within 3 minutes of launch`);
      await sleep(500);
    }
  }
  log(`${bots.length} bots created and cycling`);
}

/** No cycle in flight anywhere (at most two minutes), so histories and journal are final. */
async function idle(topology: Topology, bots: CampaignBot[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const views = await Promise.all(bots.map((b) => botView(topology.apiUrl, b.config.id)));
    if (views.every((v) => v && !v.running && v.phase === 'IDLE')) return;
    await sleep(500);
  }
  log('warning: some bots still had a cycle in flight two minutes after the final stop');
}

async function progressLine(topology: Topology, executor: FaultExecutor, bots: CampaignBot[], t0: number) {
  const ids = [...bots.map((b) => b.config.id), ...executor.created.filter((c) => c.acceptedAt).map((c) => c.botId)];
  const views = await Promise.all(
    ids.map((id) => botView(topology.apiUrl, id) as Promise<{ cyclesCompleted?: number } | null>),
  );
  const cycles = views.reduce((s, v) => s + (v?.cyclesCompleted ?? 0), 0);
  const answered = views.filter(Boolean).length;
  const up = topology.processes().filter((p) => p.alive).length;
  const done = executor.records.filter((r) => r.injected).length;
  log(
    `+${((Date.now() - t0) / 1000).toFixed(0)} s: ${done} events injected; ${up}/${topology.processes().length} processes up; ` +
      `bots report ${cycles} cycles (${answered}/${ids.length} answered; display only)`,
  );
}
