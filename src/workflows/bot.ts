import {
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { OodaActivities } from '../activities';
import { breakerAfterAttempt, breakerAllowsLive, breakerBeforeCycle, initialBreaker } from '../domain/breaker';
import { resumeRiskState } from '../trading/risk/state';
import { phaseOptions } from './activityOptions';
import { oodaCycleWorkflow } from './cycle';
import {
  type BotState,
  type BotStatus,
  type BotWorkflowInput,
  cycleWorkflowId,
  startSignal,
  statusQuery,
  stopSignal,
} from './messages';

const account = proxyActivities<OodaActivities>(phaseOptions.account);

/**
 * The bot, id bot-<botId>: a long-running entity workflow. While running it executes one child cycle workflow
 * per interval; `stop` pauses it between cycles (a cycle in flight finishes: it is never cut in half).
 * Every `cyclesPerRun` cycles, or when the server suggests it, it continues as new with its state as JSON.
 */
export async function botWorkflow(input: BotWorkflowInput): Promise<void> {
  const state: BotState = input.state ?? {
    config: input.config,
    running: input.startRunning ?? true,
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
  };
  const botId = state.config.id;
  let inFlight: number | null = null;
  let nextCycleAt: string | null = null;

  // Handlers first, so a signal or query that arrives with the first task is never lost or unanswered.
  setHandler(
    startSignal,
    () => {
      state.running = true;
      // The operator's resume after a max-drawdown halt: drawdown is measured afresh from current equity.
      if (state.riskState?.halted && state.portfolio) {
        state.riskState = resumeRiskState(state.riskState, state.portfolio.equity);
      }
    },
    { description: 'Resume cycling; also clears a max-drawdown halt.' },
  );
  setHandler(stopSignal, () => void (state.running = false), {
    description: 'Stop cycling after the cycle in flight, if any, completes.',
  });
  setHandler(statusQuery, () => status(state, inFlight, nextCycleAt), {
    description: 'Running flag, phase, cycle counts, portfolio, last cycle and config.',
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

  let cyclesThisRun = 0;
  for (;;) {
    await condition(() => state.running);
    const cycle = state.lastCycleStarted + 1;
    state.lastCycleStarted = cycle;
    inFlight = cycle;
    state.breaker = breakerBeforeCycle(state.breaker, Date.now());
    try {
      const summary = await executeChild(oodaCycleWorkflow, {
        workflowId: cycleWorkflowId(botId, cycle),
        args: [
          {
            config: state.config,
            cycle,
            portfolio: state.portfolio,
            riskState: state.riskState,
            allowLive: breakerAllowsLive(state.breaker),
            sizing: state.learned?.sizing ?? null,
          },
        ],
      });
      state.cyclesCompleted += 1;
      // Statistics live once, at the top of the state, not again inside lastCycle.
      const { learning, ...lastCycle } = summary;
      state.lastCycle = { ...lastCycle, learning: null };
      state.learned = learning;
      state.portfolio = summary.portfolio;
      state.riskState = summary.riskState;
      if (summary.perception.liveAttempted) {
        const { liveOk, error } = summary.perception;
        state.breaker = breakerAfterAttempt(state.breaker, liveOk, Date.now(), error ?? undefined);
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      // A failed cycle is recorded and the bot moves on: the next cycle has a new client order id, and the
      // failed one's order, if any was booked, stays booked exactly once.
      state.cyclesFailed += 1;
      const message = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      state.lastFailure = { cycle, workflowId: cycleWorkflowId(botId, cycle), message, at: new Date().toISOString() };
      log.warn('cycle failed', { botId, cycle, message });
    } finally {
      inFlight = null;
    }
    cyclesThisRun += 1;

    if (cyclesThisRun >= state.config.cyclesPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      state.runs += 1;
      return continueAsNew<typeof botWorkflow>({ config: state.config, state });
    }
    if (state.running) {
      const waitMs = Math.round(state.config.intervalSeconds * 1000);
      nextCycleAt = new Date(Date.now() + waitMs).toISOString();
      await condition(() => !state.running, waitMs);
      nextCycleAt = null;
    }
  }
}

function status(state: BotState, inFlight: number | null, nextCycleAt: string | null): BotStatus {
  return {
    botId: state.config.id,
    symbol: state.config.symbol,
    running: state.running,
    phase: inFlight === null ? 'IDLE' : 'IN_CYCLE',
    currentCycle:
      inFlight === null ? null : { cycle: inFlight, workflowId: cycleWorkflowId(state.config.id, inFlight) },
    nextCycleAt,
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
