import type { BotHistory, CycleHistoryStats, CycleRecord } from '../observe/histories';
import type { LedgerAudit } from '../observe/ledgerAudit';
import { percentile } from '../observe/stats';
import { type ConfigChangeSent, configChangesApplied } from './configChanges';
import type { EventRecord, OperatorSignal, UnplannedExit } from './faults';
import { type ChaosBot, LIVE_MAX_DATA_AGE_SECONDS } from './fleet';
import {
  type AccountCheck,
  after,
  type BotFacts,
  type HistoryPosition,
  type JournalFacts,
  type WorkflowTaskFailure,
} from './observe';
import type { ChaosSchedule, EventKind } from './schedule';

// The campaign's verdict, from the ledger, the journal and the workflow histories only (the bots' own counters
// are never trusted): issue #10's eight invariants, and whether the planned faults were really injected.

export const RECOVERY_LIMIT_MS = 30_000;
export const OUTAGE_PROMISE_MS = 60_000;

export interface CampaignBot {
  config: ChaosBot;
  /** When the API accepted its creation (epoch ms). */
  createdAt: number;
  initial: boolean;
}

export interface Observations {
  schedule: ChaosSchedule;
  t0: number;
  records: EventRecord[];
  unplanned: UnplannedExit[];
  signals: OperatorSignal[];
  /** PATCH /api/bots/:id/config as sent, each with its definite answer. */
  configChanges: ConfigChangeSent[];
  /** The stop sent to every bot at the end, so that histories and journal are final before they are read. */
  settle: { at: number; signals: OperatorSignal[] };
  bots: CampaignBot[];
  /** `running` as each bot answered just before the settling stop; null when it did not answer. */
  finalRunning: Record<string, boolean | null>;
  /** The config each bot reported at the same moment; null when it did not answer. */
  finalConfig: Record<string, Record<string, unknown> | null>;
  histories: BotHistory[];
  facts: BotFacts[];
  cycleStats: CycleHistoryStats[];
  cycleTaskFailures: WorkflowTaskFailure[];
  audit: LedgerAudit;
  /** Invariant 1, recomputed here at the ledger's precision (see observe.ts). */
  accounts: AccountCheck;
  journal: JournalFacts;
  crashPointHits: { tokensClaimed: number; inLogs: Record<string, number> };
}

export interface Invariant {
  id: string;
  title: string;
  pass: boolean;
  figures: Record<string, unknown>;
  /** The first violations, each with its evidence. */
  violations: string[];
}

const FIRST = 25;
const first = (xs: string[]) => (xs.length > FIRST ? [...xs.slice(0, FIRST), `... and ${xs.length - FIRST} more`] : xs);

function invariant(id: string, title: string, violations: string[], figures: Record<string, unknown>): Invariant {
  return { id, title, pass: violations.length === 0, figures, violations: first(violations) };
}

const countBy = <T>(xs: readonly T[], key: (x: T) => string) => {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
};

/** What the operator last told each bot, by the time `at` (epoch ms): running unless its last accepted signal was stop. */
function runningAt(o: Observations, botId: string, at: number): boolean {
  const bot = o.bots.find((b) => b.config.id === botId);
  if (!bot || bot.createdAt > at) return false;
  const last = o.signals
    .filter((s) => s.botId === botId && s.acceptedAt !== null && s.acceptedAt <= at)
    .sort((a, b) => a.acceptedAt! - b.acceptedAt!)
    .pop();
  return last?.kind !== 'stop';
}

function lastOperatorSignal(o: Observations, botId: string): OperatorSignal | undefined {
  return o.signals
    .filter((s) => s.botId === botId && s.acceptedAt !== null)
    .sort((a, b) => a.acceptedAt! - b.acceptedAt!)
    .pop();
}

const cyclesOf = (o: Observations, botId: string): CycleRecord[] =>
  o.histories.find((h) => h.botId === botId)?.cycles ?? [];

/** Fault end -> the first cycle every running bot completes after it; per bot, and the slowest. */
export function recoveryAfter(o: Observations, endedAt: number) {
  const perBot: Record<string, number | null> = {};
  for (const bot of o.bots) {
    if (!runningAt(o, bot.config.id, endedAt)) continue;
    const next = cyclesOf(o, bot.config.id)
      .filter((c) => c.outcome === 'completed' && c.closedAtMs !== null && c.closedAtMs > endedAt)
      .sort((a, b) => a.closedAtMs! - b.closedAtMs!)[0];
    // A bot the operator stopped before it completed another cycle has nothing to recover.
    const stoppedFirst = o.signals.some(
      (s) =>
        s.botId === bot.config.id &&
        s.kind === 'stop' &&
        s.acceptedAt !== null &&
        s.acceptedAt > endedAt &&
        (!next || s.acceptedAt < next.closedAtMs!),
    );
    if (stoppedFirst) continue;
    perBot[bot.config.id] = next ? next.closedAtMs! - endedAt : null;
  }
  const values = Object.values(perBot);
  const worst = values.includes(null) ? null : values.length ? Math.max(...(values as number[])) : null;
  return { perBot, worstMs: worst, unrecovered: Object.keys(perBot).filter((id) => perBot[id] === null) };
}

export function faultsEnd(o: Observations): number {
  const ends = [
    ...o.records.filter((r) => r.category === 'fault').map((r) => r.endedAt ?? r.injectedAt ?? 0),
    ...o.unplanned.map((u) => u.restartedAt ?? u.noticedAt),
  ];
  return Math.max(o.t0, ...ends);
}

function ledger(o: Observations): Invariant[] {
  const a = o.audit;
  return [
    invariant(
      'accounts-equal-fills',
      "1. each account's cash, realized PnL and position equal those recomputed from its fills (fees included), to the cent",
      o.accounts.mismatches.map((m) => `${m.botId} ${m.field}: ledger ${m.ledger}, recomputed ${m.recomputed}`),
      {
        accounts: o.accounts.accounts,
        fills: o.accounts.fills,
        buys: a.buys,
        sells: a.sells,
        mismatchesToTheCent: o.accounts.mismatches.length,
        differencesAtLedgerPrecision: o.accounts.exactDifferences,
      },
    ),
    invariant(
      'one-order-one-fill',
      '2. each clientOrderId has at most one order and one fill',
      [
        ...a.duplicateOrders.map((id) => `order ${id} booked more than once`),
        ...a.duplicateFills.map((id) => `fill ${id} booked more than once`),
      ],
      {
        fills: a.fills,
        duplicateOrders: a.duplicateOrders.length,
        duplicateFills: a.duplicateFills.length,
        retriedExecutionsThatFoundTheirOutcome: o.journal.duplicateExecutions,
        crashPointHits: o.crashPointHits.inLogs,
      },
    ),
    invariant(
      'journal-equals-completed-cycles',
      '3. every completed cycle workflow has exactly one journal row, and every journal row a completed cycle workflow',
      [
        ...a.missingJournal.map((id) => `${id} completed but has no journal row`),
        ...a.orphanJournal.map((id) => `journal row for ${id}, which did not complete (or has two rows)`),
      ],
      {
        completedCycles: o.histories.flatMap((h) => h.cycles).filter((c) => c.outcome === 'completed').length,
        journalRows: a.journalRows,
        missing: a.missingJournal.length,
        orphans: a.orphanJournal.length,
      },
    ),
  ];
}

function numbering(o: Observations): Invariant {
  const violations: string[] = [];
  let initiated = 0;
  let skipped = 0;
  let failed = 0;
  let running = 0;
  for (const f of o.facts) {
    const history = o.histories.find((h) => h.botId === f.botId);
    const skips = history?.skips ?? [];
    const count = new Map<number, number>();
    const bump = (n: number) => count.set(n, (count.get(n) ?? 0) + 1);
    for (const i of f.initiated) bump(i.cycle);
    for (const s of skips) for (let n = s.from; n <= s.to; n++) bump(n);
    initiated += f.initiated.length;
    skipped += skips.reduce((sum, s) => sum + s.to - s.from + 1, 0);
    failed += f.failedCycles.length;
    running += (history?.cycles ?? []).filter((c) => c.outcome === 'running').length;
    const highest = Math.max(0, ...count.keys());
    for (let n = 1; n <= highest; n++) {
      const c = count.get(n) ?? 0;
      if (c === 0) violations.push(`${f.botId}: cycle ${n} neither ran nor was recorded as skipped (a gap)`);
      if (c > 1) violations.push(`${f.botId}: cycle ${n} started or skipped ${c} times (a repeat)`);
    }
    for (const s of f.startFailures) violations.push(`${f.botId}: cycle ${s.cycle} could not start: ${s.cause}`);
  }
  const reasons = countBy(
    o.facts.flatMap((f) => f.failedCycles),
    (c) => c.reason || '(no reason)',
  );
  return invariant(
    'cycle-numbers',
    '4. per bot, cycle numbers have no gap and no repeat except skipped slots recorded as skipped (a failed cycle is accounted for, with its reason)',
    violations,
    {
      bots: o.facts.length,
      cyclesStarted: initiated,
      slotsSkipped: skipped,
      cyclesFailed: failed,
      failedReasons: reasons,
      stillRunningAtRead: running,
    },
  );
}

function noFailedWorkflows(o: Observations): Invariant {
  const violations: string[] = [];
  let runs = 0;
  for (const h of o.histories) {
    for (const r of h.runs) {
      runs += 1;
      if (!['RUNNING', 'CONTINUED_AS_NEW'].includes(r.status)) {
        violations.push(`bot-${h.botId} run ${r.runId} is ${r.status}`);
      }
    }
    for (const c of h.cycles) {
      if (['terminated', 'timed-out', 'canceled'].includes(c.outcome)) violations.push(`${c.workflowId} ${c.outcome}`);
    }
  }
  const taskFailures = [...o.facts.flatMap((f) => f.workflowTaskFailures), ...o.cycleTaskFailures];
  for (const t of taskFailures) {
    violations.push(
      `WorkflowTaskFailed in ${t.workflowId} (run ${t.runId}, event ${t.eventId}): ${t.cause} ${t.message}`,
    );
  }
  const cycleStatuses = countBy(o.cycleStats, (c) => c.status);
  return invariant(
    'no-failed-workflows',
    '5. no bot workflow failed, terminated or timed out, and no workflow task failed in any bot or cycle history',
    violations,
    {
      botRuns: runs,
      cycleWorkflowsRead: o.cycleStats.length,
      cycleStatuses,
      workflowTaskFailures: taskFailures.length,
      workflowTaskFailuresByCause: countBy(taskFailures, (t) => t.cause),
      workflowTaskTimeoutsInBotHistories: o.facts.reduce((s, f) => s + f.workflowTaskTimeouts, 0),
      activityRetriesInCycles: o.cycleStats.reduce((s, c) => s + c.retries, 0),
    },
  );
}

function recovery(o: Observations): Invariant {
  const violations: string[] = [];
  const end = faultsEnd(o);
  const rec = recoveryAfter(o, end);
  for (const [botId, ms] of Object.entries(rec.perBot)) {
    if (ms === null) violations.push(`${botId} completed no cycle after the last fault ended`);
    else if (ms > RECOVERY_LIMIT_MS)
      violations.push(`${botId} took ${(ms / 1000).toFixed(1)} s to complete a cycle after the last fault`);
  }
  const stoppedBots: Record<string, number> = {};
  const startedBots: Record<string, number> = {};
  for (const bot of o.bots) {
    const last = lastOperatorSignal(o, bot.config.id);
    if (!last) continue;
    const f = o.facts.find((x) => x.botId === bot.config.id);
    const name = last.kind;
    // The history's own record of that signal: the last of its kind before the settling stop.
    const received = f?.signals.filter((s) => s.name === name && s.atMs < o.settle.at).pop();
    if (!f || !received) {
      violations.push(`${bot.config.id}: its last ${name} signal is not in its history`);
      continue;
    }
    if (name === 'stop') {
      const later = f.initiated.filter((i) => after(i, received as HistoryPosition));
      stoppedBots[bot.config.id] = later.length;
      for (const i of later) {
        violations.push(
          `${bot.config.id}: cycle ${i.cycle} started (run ${i.run}, event ${i.eventId}) after its stop (run ${received.run}, event ${received.eventId})`,
        );
      }
    } else {
      const later = f.initiated.filter((i) => after(i, received as HistoryPosition));
      const completed = later.filter(
        (i) => cyclesOf(o, bot.config.id).find((c) => c.cycle === i.cycle)?.outcome === 'completed',
      );
      startedBots[bot.config.id] = completed.length;
      if (completed.length === 0) violations.push(`${bot.config.id}: no cycle completed after its start signal`);
    }
  }
  const values = Object.values(rec.perBot).filter((v): v is number => v !== null);
  return invariant(
    'recovery',
    '6. every running bot completes a new cycle within 30 s of the last fault; a bot stopped during the faults stays stopped, one started runs',
    violations,
    {
      lastFaultEndedAtS: Math.round((end - o.t0) / 100) / 10,
      recoveryMsPerBot: rec.perBot,
      recoveryMaxMs: values.length ? Math.max(...values) : null,
      limitMs: RECOVERY_LIMIT_MS,
      stoppedBotsCyclesStartedAfterStop: stoppedBots,
      startedBotsCyclesCompletedAfterStart: startedBots,
    },
  );
}

function signalsApplied(o: Observations): Invariant {
  const violations: string[] = [];
  const perBot: Record<string, unknown> = {};
  const all = [...o.signals, ...o.settle.signals];
  for (const bot of o.bots) {
    const id = bot.config.id;
    const f = o.facts.find((x) => x.botId === id);
    const row: Record<string, unknown> = {};
    for (const kind of ['stop', 'start'] as const) {
      const sent = all.filter((s) => s.botId === id && s.kind === kind);
      const accepted = sent.filter((s) => s.acceptedAt !== null).length;
      const ambiguous = sent.reduce((sum, s) => sum + s.ambiguous, 0);
      const applied = f?.signals.filter((s) => s.name === kind).length ?? 0;
      row[kind] = { accepted, ambiguousAttempts: ambiguous, appliedInHistory: applied };
      if (applied < accepted)
        violations.push(`${id}: ${accepted} ${kind} accepted by the API, ${applied} in its history`);
      if (applied > accepted + ambiguous) {
        violations.push(
          `${id}: ${applied} ${kind} in its history, but only ${accepted} accepted (+${ambiguous} ambiguous)`,
        );
      }
      for (const s of sent.filter((x) => x.acceptedAt === null))
        violations.push(`${id}: ${kind} (#${s.eventId}) was never accepted by the API`);
    }
    const expected = lastOperatorSignal(o, id)?.kind !== 'stop';
    const answered = o.finalRunning[id];
    row.expectedRunning = expected;
    row.running = answered;
    if (answered !== expected)
      violations.push(
        `${id}: expected ${expected ? 'running' : 'stopped'}, it says ${answered === null ? 'nothing' : answered ? 'running' : 'stopped'}`,
      );
    perBot[id] = row;
  }
  const created = o.records.filter((r) => r.kind === 'create-bot');
  for (const r of created) {
    if (!r.injected) {
      violations.push(`bot ${r.target} (#${r.id}) was never created: ${r.detail}`);
      continue;
    }
    const completed = cyclesOf(o, r.target).filter((c) => c.outcome === 'completed').length;
    if (completed === 0) violations.push(`bot ${r.target} was created but completed no cycle`);
  }
  const config = configChangesApplied(o);
  violations.push(...config.violations);
  return invariant(
    'signals-applied',
    '7. every signal, config change and bot creation sent was applied; every bad config change was refused and left no trace',
    violations,
    {
      stopsAccepted: all.filter((s) => s.kind === 'stop' && s.acceptedAt !== null).length,
      startsAccepted: all.filter((s) => s.kind === 'start' && s.acceptedAt !== null).length,
      stopsApplied: o.facts.reduce((s, f) => s + f.signals.filter((x) => x.name === 'stop').length, 0),
      startsApplied: o.facts.reduce((s, f) => s + f.signals.filter((x) => x.name === 'start').length, 0),
      botsCreatedMidRun: created.filter((r) => r.injected).length,
      ...config.figures,
      perBot,
    },
  );
}

function outages(o: Observations): Invariant {
  const violations: string[] = [];
  const windows = o.records.filter(
    (r) => ['temporal-restart', 'postgres-crash', 'postgres-pause'].includes(r.kind) && r.injectedAt !== null,
  );
  const failedReason = new Map<string, string>();
  for (const f of o.facts) for (const c of f.failedCycles) failedReason.set(`${f.botId}:${c.cycle}`, c.reason);
  const touched = new Map<string, { cycle: CycleRecord; late: boolean }>();
  const perOutage = windows.map((w) => {
    const from = w.injectedAt!;
    const to = w.endedAt ?? Date.now();
    const lengthMs = to - from;
    let cycles = 0;
    for (const h of o.histories) {
      for (const c of h.cycles) {
        const start = c.startedAtMs ?? c.dueAtMs;
        if (start > to || (c.closedAtMs !== null && c.closedAtMs < from)) continue;
        cycles += 1;
        touched.set(c.workflowId, { cycle: c, late: c.closedAtMs !== null && c.closedAtMs > to });
      }
    }
    return {
      id: w.id,
      kind: w.kind,
      lengthS: Math.round(lengthMs / 100) / 10,
      withinPromise: lengthMs <= OUTAGE_PROMISE_MS,
      cyclesTouched: cycles,
    };
  });
  let completedLate = 0;
  let completedInTime = 0;
  const failed: Record<string, number> = {};
  for (const { cycle, late } of touched.values()) {
    if (cycle.outcome === 'completed') {
      if (late) completedLate += 1;
      else completedInTime += 1;
    } else if (cycle.outcome === 'failed') {
      const reason = failedReason.get(`${cycle.botId}:${cycle.cycle}`) ?? '';
      if (!reason) violations.push(`${cycle.workflowId} failed during an outage without a reason`);
      failed[reason || '(no reason)'] = (failed[reason || '(no reason)'] ?? 0) + 1;
    } else violations.push(`${cycle.workflowId} touched by an outage ended ${cycle.outcome}`);
  }
  for (const h of o.histories) {
    for (const r of h.runs)
      if (!['RUNNING', 'CONTINUED_AS_NEW'].includes(r.status)) violations.push(`bot-${h.botId} ${r.status}`);
  }
  // A decision is never executed on data older than its freshness limit: no buy by a live bot on stale data.
  const live = new Set(o.bots.filter((b) => b.config.marketDataMode === 'live').map((b) => b.config.id));
  const liveBuys = o.journal.buys.filter((b) => live.has(b.botId));
  for (const b of liveBuys.filter((x) => x.dataAgeSeconds > LIVE_MAX_DATA_AGE_SECONDS)) {
    violations.push(
      `${b.botId} cycle ${b.cycle} bought on ${b.dataSource} data ${b.dataAgeSeconds} s old (limit ${LIVE_MAX_DATA_AGE_SECONDS} s)`,
    );
  }
  return invariant(
    'outages-fail-no-workflow',
    '8. a Postgres or Temporal outage of up to 60 s fails no workflow: each cycle it touches completes (late) or is recorded failed with its reason; no buy on data older than its limit',
    violations,
    {
      outages: perOutage,
      longestOutageS: perOutage.length ? Math.max(...perOutage.map((p) => p.lengthS)) : null,
      cyclesTouched: touched.size,
      completedInTime,
      completedLate,
      failedWithReason: failed,
      liveBuysChecked: liveBuys.length,
      liveBuysOnStaleData: liveBuys.filter((x) => x.dataAgeSeconds > LIVE_MAX_DATA_AGE_SECONDS).length,
      freshnessLimitS: LIVE_MAX_DATA_AGE_SECONDS,
    },
  );
}

/** The faults themselves: everything planned was injected, and at least the minimum the issue asks for. */
function injection(o: Observations): Invariant {
  const violations: string[] = [];
  const injected: Partial<Record<EventKind, number>> = {};
  for (const r of o.records) if (r.injected) injected[r.kind] = (injected[r.kind] ?? 0) + 1;
  for (const [kind, planned] of Object.entries(o.schedule.planned) as [EventKind, number][]) {
    const got = injected[kind] ?? 0;
    if (got < planned) violations.push(`${kind}: ${got} injected of ${planned} planned`);
  }
  for (const r of o.records.filter((x) => !x.injected))
    violations.push(`#${r.id} ${r.kind} ${r.target} not injected: ${r.error ?? r.detail}`);
  const hitsInLogs = Object.values(o.crashPointHits.inLogs).reduce((s, n) => s + n, 0);
  if (hitsInLogs !== o.crashPointHits.tokensClaimed) {
    violations.push(
      `crash points: ${o.crashPointHits.tokensClaimed} tokens claimed, ${hitsInLogs} hits in the worker logs`,
    );
  }
  const minimum: [string, number, number][] = [
    ['worker SIGKILLs', (injected['worker-kill'] ?? 0) + (injected['crash-point'] ?? 0), 5],
    ['crash point hits', hitsInLogs, 1],
    ['Postgres restarts', injected['postgres-crash'] ?? 0, 1],
    ['Temporal restarts', injected['temporal-restart'] ?? 0, 1],
  ];
  for (const [what, got, min] of minimum) if (got < min) violations.push(`${what}: ${got}, at least ${min} needed`);
  const unexpected = o.unplanned.filter((u) => u.cause === 'unexpected');
  return invariant(
    'faults-injected',
    'every planned fault was injected (a run that injected fewer fails)',
    violations,
    {
      planned: o.schedule.planned,
      injected,
      crashPointHitsInLogs: o.crashPointHits.inLogs,
      crashPointTokensClaimed: o.crashPointHits.tokensClaimed,
      unplannedExits: o.unplanned.length,
      unexpectedExits: unexpected.map(
        (u) => `${u.role} pid ${u.pid} at +${((u.noticedAt - o.t0) / 1000).toFixed(1)} s`,
      ),
    },
  );
}

export function checkInvariants(o: Observations): Invariant[] {
  return [...ledger(o), numbering(o), noFailedWorkflows(o), recovery(o), signalsApplied(o), outages(o), injection(o)];
}

export function recoveryDistribution(values: number[]) {
  return {
    faults: values.length,
    p50Ms: percentile(values, 50),
    p95Ms: percentile(values, 95),
    maxMs: percentile(values, 100),
  };
}
