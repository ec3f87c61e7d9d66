import type { Decision, DecimalString, Fill, Position, RiskVerdict } from '../domain/types';
import { advanceStats, figuresOf, type LearnedFigures, type StatsAccumulator } from '../trading/learning/accumulator';
import type { CycleOutcome as RiskOutcome } from '../trading/risk/state';
import { concludeCycle } from './botState';
import type { EngineConfig, Observation, Step, TradingState } from './types';

/** What a cycle did, as learning needs it: what it saw and decided, what was booked, and where that left it. */
export interface CycleOutcome {
  observation: Observation;
  decision: Decision;
  verdict: RiskVerdict;
  fill: Fill | null;
  /** Equity after the fill, at the cycle's price. */
  equity: DecimalString;
  /** The position after the fill, valued at the cycle's price for the unrealized PnL. */
  position: Position;
}

/** The statistics after one more cycle, and what they conclude. A cycle already folded in changes nothing. */
export function learnStatistics(
  learning: StatsAccumulator,
  outcome: CycleOutcome,
): { learning: StatsAccumulator; figures: LearnedFigures } {
  const { observation: o } = outcome;
  const next = advanceStats(learning, {
    cycle: o.cycle,
    time: o.now,
    strategy: outcome.decision.strategy,
    equity: outcome.equity,
    fill: outcome.fill,
  });
  return { learning: next, figures: figuresOf(next, { position: outcome.position, markPrice: o.price }) };
}

/**
 * Learn: the gatekeeper's memory moves on by the cycle's outcome (day, realized PnL, peak, halt, stop-loss), the
 * statistics take the cycle in, and the adaptive sizing they conclude becomes what the next `decide` reads.
 */
export function learn(
  state: TradingState,
  outcome: CycleOutcome,
  _config: EngineConfig,
): Step<LearnedFigures, TradingState> {
  const { learning, figures } = learnStatistics(state.learning, outcome);
  return {
    output: figures,
    nextState: { ...concludeCycle(state, riskOutcomeOf(outcome), figures.sizing), learning },
    explanation: `${figures.stats.trades} round trips, realized ${figures.stats.realizedPnl}; ${figures.sizing.explanation}`,
  };
}

/** The part of a cycle's outcome the risk memory moves on by, at the cycle's clock. */
export function riskOutcomeOf(outcome: CycleOutcome): RiskOutcome {
  return { now: outcome.observation.now, equity: outcome.equity, verdict: outcome.verdict, fill: outcome.fill };
}
