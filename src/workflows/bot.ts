import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { OodaActivities } from '../activities';
import { breakerAfterAttempt, breakerAllowsLive, breakerBeforeCycle, initialBreaker } from '../domain/breaker';
import { nextRiskState, resumeRiskState } from '../trading/risk/state';
import { phaseOptions } from './activityOptions';
import { oodaCycleWorkflow } from './cycle';
import {
  type BotState,
  type BotStatus,
  type BotWorkflowInput,
  type CycleSummary,
  cycleWorkflowId,
  startSignal,
  statusQuery,
  stopSignal,
} from './messages';

const account = proxyActivities<OodaActivities>(phaseOptions.account);
// Bounded, unlike `account`: the bot must not stall on bookkeeping after a failed cycle while Postgres is down.
const ledgerAfterFailure = proxyActivities<OodaActivities>({ ...phaseOptions.account, scheduleToCloseTimeout: '1m' });

/**
 * The bot, id bot-<botId>: a long-running entity workflow. While running it executes one child cycle workflow
 * per interval; `stop` pauses it between cycles (a cycle in flight finishes: it is never cut in half), `start`
 * resumes it on its schedule. Every `cyclesPerRun` cycles, or when the server suggests it, it continues as new with its
 * state as plain JSON, including when the next cycle is due.
 */
export async function botWorkflow(input: BotWorkflowInput): Promise<void> {
  const state: BotState = input.state ?? {
    config: input.config,
    running: true,
    cyclesCompleted: 0,
    cyclesFailed: 0,
    lastCycleStarted: 0,
    portfolio: null,
    lastCycle: null,
    lastFailure: null,
    runs: 0,
    createdAt: new Date().toISOString(),
    breaker: initialBreaker(input.config.breakerThreshold, input.config.breakerCooldownSeconds),
    riskState: null,
    learned: null,
    nextCycleAt: null,
    resumeRequested: false,
    statsAccumulator: null,
  };
  const botId = state.config.id;
  let inFlight: number | null = null;

  const resumeFromHalt = () => {
    if (state.riskState?.halted && state.portfolio) {
      // Drawdown is measured afresh from current equity, or the old peak would halt the bot again at once.
      state.riskState = resumeRiskState(state.riskState, state.portfolio.equity);
    }
    state.resumeRequested = false;
  };

  // Handlers first, so a signal or query that arrives with the first task is never lost or unanswered.
  setHandler(
    startSignal,
    () => {
      // Resuming keeps the schedule: a cycle that is already due runs at once, but toggling stop/start (or an
      // API retry) never adds cycles, and so never adds orders.
      state.running = true;
      // Only a halt the operator could see is cleared. A cycle in flight was started with that halted state
      // and would hand it back, so then the resume waits for it to return.
      if (state.riskState?.halted) {
        if (inFlight === null) resumeFromHalt();
        else state.resumeRequested = true;
      }
      showDetails(state);
    },
    { description: 'Resume cycling on schedule; also clears a max-drawdown halt.' },
  );
  setHandler(
    stopSignal,
    () => {
      state.running = false;
      showDetails(state);
    },
    {
      description: 'Stop cycling after the cycle in flight, if any, completes.',
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
    state.lastCycleStarted = opened.lastCycle;
    state.cyclesCompleted = opened.lastCycle;
  }

  showDetails(state);
  let cyclesThisRun = 0;
  const continueAsNewNow = async () => {
    await condition(allHandlersFinished);
    state.runs += 1;
    return continueAsNew<typeof botWorkflow>({ config: state.config, state });
  };
  for (;;) {
    // A stopped bot still takes signals and queries; it continues as new when its history asks for it.
    await condition(() => state.running || workflowInfo().continueAsNewSuggested);
    if (!state.running) return continueAsNewNow();
    if (state.nextCycleAt !== null) {
      const waitMs = Date.parse(state.nextCycleAt) - Date.now();
      if (waitMs > 0) {
        // Woken early by `stop`, whatever followed in the same activation (a `start`), or by the timer: start
        // over and let the schedule decide. Never cycle just because the wait ended.
        await condition(() => !state.running, waitMs);
        continue;
      }
      state.nextCycleAt = null;
    }

    const cycle = state.lastCycleStarted + 1;
    state.lastCycleStarted = cycle;
    state.breaker = breakerBeforeCycle(state.breaker, Date.now());
    inFlight = cycle;
    let failure: unknown = null;
    try {
      applyCycle(state, await runCycle(state, cycle));
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
    if (state.running) state.nextCycleAt = new Date(Date.now() + state.config.intervalSeconds * 1000).toISOString();

    if (cyclesThisRun >= state.config.cyclesPerRun || workflowInfo().continueAsNewSuggested) {
      return continueAsNewNow();
    }
  }
}

/** The UI's "current details" of the bot: what an operator checks first. */
function showDetails(state: BotState): void {
  const p = state.portfolio;
  const lines = [
    `**${state.config.id}** ${state.config.symbol} (${state.config.marketDataMode}): ${state.running ? 'running' : 'stopped'}` +
      `${state.riskState?.halted ? ', HALTED (max drawdown): send start to resume' : ''}`,
    `cycles ${state.cyclesCompleted} completed, ${state.cyclesFailed} failed; run ${state.runs + 1}`,
    p
      ? `equity ${p.equity}, cash ${p.cash}, position ${p.position.quantity}, realized ${p.realizedPnl}`
      : 'no portfolio yet',
    `market data: ${state.lastCycle?.dataSource ?? 'none yet'}; breaker ${state.breaker.state}`,
  ];
  setCurrentDetails(lines.join('\n\n'));
}

function runCycle(state: BotState, cycle: number): Promise<CycleSummary> {
  return executeChild(oodaCycleWorkflow, {
    workflowId: cycleWorkflowId(state.config.id, cycle),
    args: [
      {
        config: state.config,
        cycle,
        portfolio: state.portfolio,
        riskState: state.riskState,
        allowLive: breakerAllowsLive(state.breaker),
        sizing: state.learned?.sizing ?? null,
        statsAccumulator: state.statsAccumulator,
      },
    ],
  });
}

function applyCycle(state: BotState, summary: CycleSummary): void {
  state.cyclesCompleted += 1;
  // Statistics live once, at the top of the state, not again inside lastCycle.
  const { learning, statsAccumulator, ...lastCycle } = summary;
  state.lastCycle = { ...lastCycle, learning: null, statsAccumulator: null };
  state.learned = learning;
  state.statsAccumulator = statsAccumulator;
  state.portfolio = summary.portfolio;
  state.riskState = summary.riskState;
  if (summary.perception.liveAttempted) {
    const { liveOk, error } = summary.perception;
    state.breaker = breakerAfterAttempt(state.breaker, liveOk, Date.now(), error ?? undefined);
  }
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
    if (ledger.fill && state.riskState) {
      // The cycle booked a fill before it failed: count it, so the daily loss limit and the peak see it.
      const verdict = { approved: true, rule: 'failed-cycle', reason: 'fill of a cycle that then failed', order: null };
      state.riskState = nextRiskState(state.riskState, {
        now: new Date().toISOString(),
        equity: ledger.portfolio.equity,
        verdict,
        fill: ledger.fill,
      });
    }
  } catch (readErr) {
    // Best effort: the next cycle reads the ledger itself (reasoning and the risk check do).
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
    phase: inFlight === null ? 'IDLE' : 'IN_CYCLE',
    currentCycle:
      inFlight === null ? null : { cycle: inFlight, workflowId: cycleWorkflowId(state.config.id, inFlight) },
    nextCycleAt: state.running && inFlight === null ? state.nextCycleAt : null,
    cyclesCompleted: state.cyclesCompleted,
    cyclesFailed: state.cyclesFailed,
    runs: state.runs,
    portfolio: state.portfolio,
    lastCycle: state.lastCycle,
    lastFailure: state.lastFailure,
    config: state.config,
    createdAt: state.createdAt,
    breaker: state.breaker,
    halted: state.riskState?.halted ?? false,
    riskState: state.riskState,
    learned: state.learned,
  };
}
