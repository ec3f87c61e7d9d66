import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setDefaultSignalHandler,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OodaActivities } from '../activities';
import { breakerAfterAttempt, breakerAllowsLive, breakerBeforeCycle, initialBreaker } from '../domain/breaker';
import { dueAtMs, newSchedule, nextSlot, resumeSchedule, type Schedule } from '../domain/schedule';
import { ZodError } from 'zod';
import type { BotConfig } from '../domain/botConfig';
import { changedBotConfig } from '../trading/botConfigCheck';
import { botTradingStateOf, countFillOfFailedCycle, newBotTradingState, resumeTrading } from '../engine/botState';
import type { BotTradingState } from '../engine/types';
import { phaseOptions } from './activityOptions';
import { signalPayloadProblem } from './signalPayload';
import { oodaCycleWorkflow } from './cycle';
import {
  archiveUpdate,
  type BotState,
  type BotStatus,
  type BotWorkflowInput,
  type CycleSummary,
  type CycleSummaryBeforeEngineState,
  cycleWorkflowId,
  type LastCycle,
  noSignals,
  startSignal,
  startUpdate,
  statusQuery,
  stopSignal,
  stopUpdate,
  updateConfigUpdate,
} from './messages';
import { botIdKey, type BotStateLabel, botStateKey, strategyKey, symbolKey } from './searchAttributes';

/** Buffered signals applied in the order sent (docs/workflow-changes.md). */
const SIGNALS_IN_ORDER_PATCH = 'signals-in-order';
/**
 * The cadence is moved by the bot loop, never by a signal or update handler (docs/workflow-changes.md). A
 * handler's clock is its activation's time, and core does not always give a handler the same activation on
 * replay as it did when the handler first ran: a signal in a workflow task that issued no command, followed by
 * a task scheduled for an update that timed out on a dead worker's sticky queue, was handed to the handler with
 * the later task's time by the worker that took the update, and with its own time on every later replay. A
 * schedule anchored at that time then started a timer on replay where the history has the next cycle (chaos,
 * seed 42, in CI). The loop runs only where history has its commands, so its clock is the same on every replay.
 */
const RESCHEDULE_IN_LOOP_PATCH = 'reschedule-in-loop';
/** The bot's search attributes (BotId, Symbol, Strategy, BotState), set by the loop (docs/workflow-changes.md). */
const SEARCH_ATTRIBUTES_PATCH = 'search-attributes';

const account = proxyActivities<OodaActivities>(phaseOptions.account);
// Bounded, unlike `account`: the bot must not stall on bookkeeping after a failed cycle while Postgres is down.
const ledgerAfterFailure = proxyActivities<OodaActivities>({ ...phaseOptions.account, scheduleToCloseTimeout: '1m' });

/**
 * The bot, id bot-<botId>: a long-running entity workflow. While running it executes one child cycle workflow
 * per slot of its fixed cadence (domain/schedule.ts: slot n is due at start + n x interval and runs as cycle n;
 * a slot reached too late is skipped and counted, never run late). `stop` pauses it between cycles (a cycle in
 * flight finishes: it is never cut in half), `start` resumes it on its cadence. Every `cyclesPerRun` cycles, or
 * when the server suggests it, it continues as new with its state as plain JSON, the cadence included.
 */
export async function botWorkflow(input: BotWorkflowInput): Promise<void> {
  const state: BotState = input.state ?? {
    config: input.config,
    running: true,
    cyclesCompleted: 0,
    cyclesFailed: 0,
    lastSlot: 0,
    portfolio: null,
    lastCycle: null,
    lastFailure: null,
    runs: 0,
    createdAt: new Date().toISOString(),
    breaker: initialBreaker(input.config.breakerThreshold, input.config.breakerCooldownSeconds),
    trading: newBotTradingState(),
    learned: null,
    schedule: null,
    resumeRequested: false,
    signals: noSignals(),
  };
  // State from a run before signals were counted, or before it carried the engine's trading state.
  state.signals ??= noSignals();
  state.trading ??= botTradingStateOf({ riskState: state.riskState, sizing: state.learned?.sizing });
  delete state.riskState;
  const botId = state.config.id;
  let inFlight: number | null = null;

  const resumeFromHalt = () => {
    if (state.portfolio) state.trading = resumeTrading(state.trading, state.portfolio.equity);
    state.resumeRequested = false;
  };

  // Patches are read before any handler is set: a run keeps one answer from its first task to its last.
  const rescheduleInLoop = patched(RESCHEDULE_IN_LOOP_PATCH);
  const searchAttributesOn = patched(SEARCH_ATTRIBUTES_PATCH);
  // The cadence re-anchored for the next slot, now (see resumeSchedule).
  const reanchored = (schedule: Schedule) =>
    resumeSchedule(schedule, state.lastSlot + 1, Date.now(), state.config.intervalSeconds);
  const requestReschedule = () => {
    if (rescheduleInLoop) state.scheduleStale = true;
    else state.schedule = reanchored(state.schedule!);
  };

  // Handlers first, so a signal or query that arrives with the first task is never lost or unanswered.
  // A signal with a payload it cannot take is counted and shown, never applied: a typo in the CLI must not
  // fail a workflow task, nor stop or start a bot by accident.
  const accepted = (name: 'start' | 'stop', args: unknown[]): boolean => {
    const problem = signalPayloadProblem(args);
    if (problem === null) return true;
    rejectSignal(name, problem);
    return false;
  };
  // An update with a payload it cannot take is refused before it enters history; the caller sees why.
  const refuseBadPayload = (...args: unknown[]) => {
    const problem = signalPayloadProblem(args);
    if (problem !== null)
      throw ApplicationFailure.create({ type: 'InvalidRequest', message: problem, nonRetryable: true });
  };
  function rejectSignal(name: string, reason: string): void {
    state.signals.rejected += 1;
    state.signals.lastRejected = { signal: name, reason, at: new Date().toISOString() };
    log.warn('signal rejected', { botId: state.config.id, signal: name, reason });
    showDetails(state);
  }

  // `start` and `stop`, whether a signal or an update brought them.
  const applyStart = () => {
    state.signals.start += 1;
    // Resuming keeps the cadence when the next slot is still in time, else starts it afresh now: a cycle that
    // is due runs at once, time spent stopped is not counted as skipped slots, and toggling stop/start (or an
    // API retry) never adds cycles, and so never adds orders. An archived bot stays archived.
    if (state.archived) return;
    if (!state.running && state.schedule) requestReschedule();
    state.running = true;
    // Only a halt the operator could see is cleared. A cycle in flight was started with that halted state
    // and would hand it back, so then the resume waits for it to return.
    if (state.trading.risk?.halted) {
      if (inFlight === null) resumeFromHalt();
      else state.resumeRequested = true;
    }
    showDetails(state);
  };
  const applyStop = () => {
    state.signals.stop += 1;
    state.running = false;
    showDetails(state);
  };
  const onStart = (...args: unknown[]) => {
    if (accepted('start', args)) applyStart();
  };
  const onStop = (...args: unknown[]) => {
    if (accepted('stop', args)) applyStop();
  };
  // Signals that reach a run before its first task (sent while the previous run continued as new) wait for
  // their handler, and the SDK hands them to each handler as it is set: every `start`, then every `stop`, and a
  // burst ending in `start` would leave the bot stopped. A default handler set first takes them all in the
  // order they were sent, and rejects (counts, shows) any of an unknown name among them. It is removed once the
  // named handlers are set: a default handler would make the SDK fail the workflow task on any later signal
  // with the reserved `__temporal_` prefix, where without one an unknown signal just waits, never applied.
  const patchedOrder = patched(SIGNALS_IN_ORDER_PATCH);
  if (patchedOrder) {
    setDefaultSignalHandler((name: string, ...args: unknown[]) => {
      if (name === startSignal.name) onStart(...args);
      else if (name === stopSignal.name) onStop(...args);
      else rejectSignal(name, `unknown signal; this bot takes ${startSignal.name} and ${stopSignal.name}`);
    });
  }
  setHandler(startSignal, onStart, {
    description: 'Resume cycling on schedule; also clears a max-drawdown halt.',
  });
  setHandler(stopSignal, onStop, { description: 'Stop cycling after the cycle in flight, if any, completes.' });
  if (patchedOrder) setDefaultSignalHandler(undefined);
  // A config change is checked by a synchronous validator (the same checks as a new bot's config), so a bad one
  // is refused before it enters history; an accepted one applies from the next cycle, a new interval at once.
  setHandler(
    updateConfigUpdate,
    (change: unknown) => {
      const before = state.config;
      state.config = checkedChange(before, change);
      state.configChanges = (state.configChanges ?? 0) + 1;
      if (state.config.intervalSeconds !== before.intervalSeconds && state.schedule) requestReschedule();
      log.info('config changed', { botId, fields: Object.keys(change as object) });
      showDetails(state);
      return status(state, inFlight);
    },
    {
      validator: (change: unknown) => void checkedChange(state.config, change),
      description:
        'Change the config from the next cycle: any field but id, symbol and startingCash (a field replaces the ' +
        'current value). Returns the new status; a bad change is rejected and nothing changes.',
    },
  );
  for (const [update, apply, description] of [
    [
      startUpdate,
      applyStart,
      'As the start signal (resume on schedule, clear a max-drawdown halt); returns the new status.',
    ],
    [stopUpdate, applyStop, 'As the stop signal (no new cycle; one in flight completes); returns the new status.'],
  ] as const) {
    setHandler(
      update,
      () => {
        apply();
        return status(state, inFlight);
      },
      { validator: refuseBadPayload, description },
    );
  }
  setHandler(
    archiveUpdate,
    async () => {
      state.archived = true;
      state.running = false;
      showDetails(state);
      await condition(() => inFlight === null);
      return status(state, inFlight);
    },
    {
      validator: refuseBadPayload,
      description:
        'Stop for good: returns once a cycle in flight has completed, then the bot completes. The ledger stays; ' +
        'a bot created again under the same id resumes it.',
    },
  );
  setHandler(statusQuery, () => status(state, inFlight), {
    description: 'Running flag, phase, cycle counts, portfolio, last cycle, breaker, risk state, statistics.',
  });

  if (!input.state) {
    // A bot re-created with the id of an old one resumes its ledger and its cycle numbering, so client order
    // ids (<botId>:<cycle>) never collide with fills already booked.
    const opened = await account.openAccount({
      botId,
      symbol: state.config.symbol,
      startingCash: state.config.startingCash,
    });
    state.portfolio = opened.portfolio;
    state.lastSlot = opened.lastCycle;
    state.cyclesCompleted = opened.lastCycle;
  }

  showDetails(state);
  // Search attributes are set here in the loop, never in a handler, and only when they change: the loop runs
  // where history has its commands (see RESCHEDULE_IN_LOOP_PATCH), and a bot's steady cycles add no event.
  let shown: { strategy: string; state: BotStateLabel } | null = null;
  const showSearchAttributes = () => {
    if (!searchAttributesOn) return;
    const now = { strategy: state.config.strategy.name, state: stateLabel(state) };
    if (shown?.strategy === now.strategy && shown.state === now.state) return;
    upsertSearchAttributes([
      ...(shown
        ? []
        : [
            { key: botIdKey, value: botId },
            { key: symbolKey, value: state.config.symbol },
          ]),
      { key: strategyKey, value: now.strategy },
      { key: botStateKey, value: now.state },
    ]);
    shown = now;
  };
  let cyclesThisRun = 0;
  const continueAsNewNow = async () => {
    await condition(allHandlersFinished);
    state.runs += 1;
    return continueAsNew<typeof botWorkflow>({ config: state.config, state });
  };
  for (;;) {
    showSearchAttributes();
    // A stopped bot still takes signals and queries; it continues as new when its history asks for it.
    await condition(() => state.running || state.archived === true || workflowInfo().continueAsNewSuggested);
    showSearchAttributes();
    if (state.archived) {
      await condition(allHandlersFinished);
      return;
    }
    if (!state.running) return continueAsNewNow();
    state.schedule ??= newSchedule(state.lastSlot + 1, Date.now(), state.config.intervalSeconds);
    if (state.scheduleStale) {
      state.schedule = reanchored(state.schedule);
      state.scheduleStale = false;
    }
    const next = nextSlot(state.schedule, state.lastSlot + 1, Date.now());
    if (next.skipped) skipSlots(state, next.schedule);
    const waitMs = next.dueAtMs - Date.now();
    // Woken early by `stop` (whatever followed in the same activation, a `start`) or a config change (a new
    // interval moves the slot): start over and let the schedule decide. Woken by the timer: run the slot it waited for, however late the server fired it (its
    // lag is recorded); only slots that passed while the bot was busy or down are skipped.
    const changes = state.configChanges ?? 0;
    const interrupted = () => !state.running || (state.configChanges ?? 0) !== changes;
    if (waitMs > 0 && ((await condition(interrupted, waitMs)) || interrupted())) continue;

    const cycle = next.slot;
    state.lastSlot = cycle;
    state.breaker = breakerBeforeCycle(state.breaker, Date.now());
    inFlight = cycle;
    let failure: unknown = null;
    try {
      applyCycle(state, await runCycle(state, cycle, new Date(next.dueAtMs).toISOString()));
    } catch (err) {
      if (isCancellation(err) && CancellationScope.current().consideredCancelled) throw err;
      failure = err;
    } finally {
      inFlight = null;
    }
    if (failure !== null) await recordFailedCycle(state, cycle, failure);
    if (state.resumeRequested) resumeFromHalt();
    showDetails(state);
    cyclesThisRun += 1;

    if (cyclesThisRun >= state.config.cyclesPerRun || workflowInfo().continueAsNewSuggested) {
      return continueAsNewNow();
    }
  }
}

/**
 * Gives up the slots the bot reached too late. They are counted in the state and shown in history: a memo
 * update (one WorkflowPropertiesModified event, only when slots are skipped) names them, so a reader of the
 * history knows every gap in the cycle numbers.
 */
function skipSlots(state: BotState, schedule: Schedule): void {
  const skipped = schedule.lastSkipped!;
  state.schedule = schedule;
  state.lastSlot = skipped.to;
  log.warn('slots skipped: the bot reached them too late', { botId: state.config.id, ...skipped });
  upsertMemo({ skippedSlots: { ...skipped, total: schedule.skipped } });
}

/** The config after `change`, or an ApplicationFailure (type InvalidConfig) naming what is wrong with it. */
function checkedChange(current: BotConfig, change: unknown): BotConfig {
  try {
    return changedBotConfig(current, change);
  } catch (err) {
    const issues =
      err instanceof ZodError ? err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : [];
    const message = issues.length
      ? issues.map((i) => `${i.path || 'change'}: ${i.message}`).join('; ')
      : err instanceof Error
        ? err.message
        : String(err);
    throw ApplicationFailure.create({ type: 'InvalidConfig', message, details: [issues], nonRetryable: true });
  }
}

function stateLabel(state: BotState): BotStateLabel {
  if (state.archived) return 'archived';
  if (!state.running) return 'stopped';
  return state.trading.risk?.halted ? 'halted' : 'running';
}

/** The UI's "current details" of the bot: what an operator checks first. */
function showDetails(state: BotState): void {
  const p = state.portfolio;
  const lines = [
    `**${state.config.id}** ${state.config.symbol} (${state.config.marketDataMode}): ${stateLabel(state)}` +
      `${state.trading.risk?.halted ? ' (max drawdown): send start to resume' : ''}`,
    `cycles ${state.cyclesCompleted} completed, ${state.cyclesFailed} failed; run ${state.runs + 1}`,
    p
      ? `equity ${p.equity}, cash ${p.cash}, position ${p.position.quantity}, realized ${p.realizedPnl}`
      : 'no portfolio yet',
    `market data: ${state.lastCycle?.dataSource ?? 'none yet'}; breaker ${state.breaker.state}`,
    `every ${state.config.intervalSeconds}s; ${state.schedule?.skipped ?? 0} slots skipped`,
    `signals: ${state.signals.start} start, ${state.signals.stop} stop applied; ${state.signals.rejected} rejected`,
  ];
  setCurrentDetails(lines.join('\n\n'));
}

// A cycle begun before the engine-state-from-activities patch (its result recorded then) returns the old summary.
function runCycle(
  state: BotState,
  cycle: number,
  dueAt: string,
): Promise<CycleSummary | CycleSummaryBeforeEngineState> {
  return executeChild(oodaCycleWorkflow, {
    workflowId: cycleWorkflowId(state.config.id, cycle),
    args: [
      {
        config: state.config,
        cycle,
        dueAt,
        portfolio: state.portfolio,
        state: state.trading,
        allowLive: breakerAllowsLive(state.breaker),
      },
    ],
  });
}

function applyCycle(state: BotState, summary: CycleSummary | CycleSummaryBeforeEngineState): void {
  state.cyclesCompleted += 1;
  const { state: trading, lastCycle } = splitSummary(summary);
  state.lastCycle = lastCycle;
  state.learned = summary.learning;
  state.portfolio = summary.portfolio;
  state.trading = trading;
  if (summary.perception.liveAttempted) {
    const { liveOk, error } = summary.perception;
    state.breaker = breakerAfterAttempt(state.breaker, liveOk, Date.now(), error ?? undefined);
  }
}

/** The trading state a cycle returned, and the rest as lastCycle: state and statistics live once, at the top. */
function splitSummary(summary: CycleSummary | CycleSummaryBeforeEngineState): {
  state: BotTradingState;
  lastCycle: LastCycle;
} {
  if ('state' in summary) {
    const { state, learning: _learning, ...lastCycle } = summary;
    return { state, lastCycle: { ...lastCycle, learning: null } };
  }
  const { riskState, learning, ...lastCycle } = summary;
  return {
    state: botTradingStateOf({ riskState, sizing: learning?.sizing }),
    lastCycle: { ...lastCycle, learning: null },
  };
}

/**
 * A failed cycle is recorded and the bot moves on: the next cycle has a new client order id, and the failed
 * one's order, if any was booked, stays booked exactly once. The portfolio is re-read from the ledger, which
 * has any such fill; a failed half-open probe reopens the breaker.
 */
async function recordFailedCycle(state: BotState, cycle: number, err: unknown): Promise<void> {
  const { message, type } = rootCause(err);
  state.cyclesFailed += 1;
  state.lastFailure = {
    cycle,
    workflowId: cycleWorkflowId(state.config.id, cycle),
    message: type ? `${type}: ${message}` : message,
    at: new Date().toISOString(),
  };
  log.warn('cycle failed', { botId: state.config.id, cycle, message });
  if (state.breaker.state === 'half-open') {
    state.breaker = breakerAfterAttempt(state.breaker, false, Date.now(), message);
  }
  try {
    const ledger = await ledgerAfterFailure.readLedgerAfterCycle({ botId: state.config.id, cycle });
    state.portfolio = ledger.portfolio;
    if (ledger.fill) {
      const now = new Date().toISOString();
      state.trading = countFillOfFailedCycle(state.trading, ledger.fill, ledger.portfolio.equity, now);
    }
  } catch (readErr) {
    // Best effort: with no portfolio the next cycle reads the ledger itself before it decides.
    state.portfolio = null;
    log.warn('could not re-read the ledger after a failed cycle', { cycle, message: rootCause(readErr).message });
  }
}

/** The deepest cause: a child's failure wraps an activity's failure, which wraps the error that was thrown. */
function rootCause(err: unknown): { message: string; type?: string } {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  if (e instanceof ApplicationFailure) return { message: e.message, type: e.type ?? undefined };
  return { message: e instanceof Error ? e.message : String(e) };
}

function status(state: BotState, inFlight: number | null): BotStatus {
  return {
    botId: state.config.id,
    symbol: state.config.symbol,
    running: state.running,
    archived: state.archived ?? false,
    phase: inFlight === null ? 'IDLE' : 'IN_CYCLE',
    currentCycle:
      inFlight === null ? null : { cycle: inFlight, workflowId: cycleWorkflowId(state.config.id, inFlight) },
    nextCycleAt:
      state.running && inFlight === null && state.schedule
        ? new Date(dueAtMs(state.schedule, state.lastSlot + 1)).toISOString()
        : null,
    slotsSkipped: state.schedule?.skipped ?? 0,
    signals: state.signals,
    lastSkipped: state.schedule?.lastSkipped ?? null,
    cyclesCompleted: state.cyclesCompleted,
    cyclesFailed: state.cyclesFailed,
    runs: state.runs,
    portfolio: state.portfolio,
    lastCycle: state.lastCycle,
    lastFailure: state.lastFailure,
    config: state.config,
    createdAt: state.createdAt,
    breaker: state.breaker,
    halted: state.trading.risk?.halted ?? false,
    riskState: state.trading.risk,
    learned: state.learned,
  };
}
