import { equityOf, type Holdings } from '../domain/fills';
import type { Decision, DecimalString, Fill, RiskVerdict } from '../domain/types';
import type { LearnedFigures } from '../trading/learning/accumulator';
import { checkRisk } from './checkRisk';
import { decide } from './decide';
import { learn } from './learn';
import { portfolioOf, simulateFill } from './simulatedBroker';
import type { EngineConfig, Observation, Step, TradingState } from './types';

export interface SimulatedCycle {
  decision: Decision;
  verdict: RiskVerdict;
  fill: Fill | null;
  /** The fill's notional, when one was booked. */
  notional: DecimalString | null;
  holdings: Holdings;
  equity: DecimalString;
  learned: LearnedFigures;
}

/**
 * One whole cycle with the simulated broker: decide, check risk, book, learn. The live cycle runs the same
 * functions one activity at a time, with the Postgres ledger in place of `simulateFill`.
 */
export function simulateCycle(
  state: TradingState,
  holdings: Holdings,
  observation: Observation,
  config: EngineConfig,
): Step<SimulatedCycle, TradingState> {
  const portfolio = portfolioOf(holdings, config.symbol, observation.price);
  const decided = decide(state, { observation, portfolio }, config);
  const judged = checkRisk(decided.nextState, { observation, decision: decided.output, portfolio }, config);
  const booked = simulateFill(holdings, judged.output, observation, config);
  const after = booked?.holdings ?? holdings;
  const equity = equityOf(after.cash, after.quantity, observation.price);
  const fill = booked?.fill ?? null;
  const learned = learn(
    judged.nextState,
    {
      observation,
      decision: decided.output,
      verdict: judged.output,
      fill,
      equity,
      position: { symbol: config.symbol, quantity: after.quantity, averageCost: after.averageCost },
    },
    config,
  );
  const booking = fill ? `${fill.side} ${fill.quantity} at ${fill.price}, fee ${fill.fee}` : 'no order';
  return {
    output: {
      decision: decided.output,
      verdict: judged.output,
      fill,
      notional: booked?.notional ?? null,
      holdings: after,
      equity,
      learned: learned.output,
    },
    nextState: learned.nextState,
    explanation: [
      `cycle ${observation.cycle}`,
      decided.explanation,
      judged.explanation,
      booking,
      learned.explanation,
    ].join('; '),
  };
}
