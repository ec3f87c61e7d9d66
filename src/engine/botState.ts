import type { DecimalString, Fill, IsoTime } from '../domain/types';
import type { SizeAdjustment } from '../trading/learning/adaptiveSizing';
import {
  type CycleOutcome as RiskOutcome,
  initialRiskState,
  nextRiskState,
  resumeRiskState,
  type RiskState,
} from '../trading/risk/state';
import type { BotTradingState, TradingState } from './types';

// The live bot's trading state and the only functions that change it. The bot workflow carries the state and
// hands it to each cycle; the phase activities (checkRisk, recordCycle) return the next one; the workflow itself
// calls only `resumeTrading` and `countFillOfFailedCycle`. Imports no strategy: workflow code imports this file.

export function newBotTradingState(): BotTradingState {
  return { risk: null, sizing: null };
}

/** The state from an input written before bots carried it: its risk memory and the last sizing learned. */
export function botTradingStateOf(before: {
  riskState?: RiskState | null;
  sizing?: SizeAdjustment | null;
}): BotTradingState {
  return { risk: before.riskState ?? null, sizing: before.sizing ?? null };
}

/** The gatekeeper's memory, started at `equity` on a bot's first judged cycle; kept as it is once it has one. */
export function withRiskMemory<S extends Pick<TradingState, 'risk'>>(
  state: S,
  equity: DecimalString,
  now: IsoTime,
): S & { risk: RiskState } {
  return { ...state, risk: state.risk ?? initialRiskState(equity, now) };
}

/**
 * After a cycle: the risk memory moves on by its outcome (day, realized PnL, peak, halt, stop-loss), and the
 * sizing becomes what learning concluded, for the next `decide`.
 */
export function concludeCycle<S extends BotTradingState>(state: S, outcome: RiskOutcome, sizing: SizeAdjustment): S {
  const { risk } = withRiskMemory(state, outcome.equity, outcome.now);
  return { ...state, risk: nextRiskState(risk, outcome), sizing };
}

/**
 * An operator's resume: the halt is cleared and drawdown measured afresh from `equity`, or the old peak would
 * halt the bot again at once. A state that is not halted is returned as it is.
 */
export function resumeTrading(state: BotTradingState, equity: DecimalString): BotTradingState {
  return state.risk?.halted ? { ...state, risk: resumeRiskState(state.risk, equity) } : state;
}

/**
 * A cycle booked a fill and then failed (the ledger has it; the cycle returned no state): the fill still counts,
 * so the daily loss limit and the peak see it. Before a first judged cycle there is no risk memory to move.
 */
export function countFillOfFailedCycle(
  state: BotTradingState,
  fill: Fill,
  equity: DecimalString,
  now: IsoTime,
): BotTradingState {
  if (!state.risk) return state;
  const verdict = { approved: true, rule: 'failed-cycle', reason: 'fill of a cycle that then failed', order: null };
  return { ...state, risk: nextRiskState(state.risk, { now, equity, verdict, fill }) };
}
