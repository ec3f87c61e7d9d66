import { equityOf, type Holdings } from '../domain/fills';
import { dec } from '../domain/money';
import type { DecimalString, IsoTime } from '../domain/types';
import { emptyAccumulator, figuresOf, type LearnedFigures } from '../trading/learning/accumulator';
import type { JournalEntry } from '../trading/learning/roundTrips';
import { simulateCycle, type SimulatedCycle } from './cycle';
import { startingHoldings } from './simulatedBroker';
import type { EngineConfig, Observation, TradingState } from './types';

// A run of observations through the state machine with the simulated broker: the backtest's candles and the
// what-if's journaled cycles both come here, so the same observations give the same trades and statistics.

export interface ReplayRun {
  cycles: (SimulatedCycle & { cycle: number; now: IsoTime; price: DecimalString })[];
  /** The journal the statistics were learned from, oldest first. */
  journal: JournalEntry[];
  /** How many cycles each risk rule decided. */
  verdicts: Record<string, number>;
  /** Cycles that ended with a position open. */
  cyclesHolding: number;
  holdings: Holdings;
  state: TradingState;
  haltedAt: IsoTime | null;
  /** The statistics and sizing after the last cycle, the open position valued at its price. */
  learned: LearnedFigures;
}

export function initialTradingState(): TradingState {
  return { risk: null, learning: emptyAccumulator(), sizing: null };
}

/** Runs the observations (oldest first) from flat with `startingCash`. Pure: the same inputs give the same run. */
export function replayObservations(
  observations: readonly Observation[],
  config: EngineConfig,
  startingCash: DecimalString,
): ReplayRun {
  let state = initialTradingState();
  let holdings = startingHoldings(startingCash);
  let haltedAt: IsoTime | null = null;
  const run: Omit<ReplayRun, 'holdings' | 'state' | 'haltedAt' | 'learned'> = {
    cycles: [],
    journal: [],
    verdicts: {},
    cyclesHolding: 0,
  };
  for (const o of observations) {
    const step = simulateCycle(state, holdings, o, config);
    state = step.nextState;
    holdings = step.output.holdings;
    if (state.risk?.halted && haltedAt === null) haltedAt = o.now;
    run.verdicts[step.output.verdict.rule] = (run.verdicts[step.output.verdict.rule] ?? 0) + 1;
    if (dec(holdings.quantity).gt(0)) run.cyclesHolding += 1;
    run.cycles.push({ ...step.output, cycle: o.cycle, now: o.now, price: o.price });
    run.journal.push({
      cycle: o.cycle,
      time: o.now,
      strategy: step.output.decision.strategy,
      equity: step.output.equity,
      fill: step.output.fill,
    });
  }
  const last = observations[observations.length - 1];
  const position = { symbol: config.symbol, quantity: holdings.quantity, averageCost: holdings.averageCost };
  const markPrice = last?.price ?? null;
  return {
    ...run,
    holdings,
    state,
    haltedAt,
    learned: figuresOf(state.learning, { position, markPrice }),
  };
}

/** Equity of the holdings at a price (the run's last, for its final figure). */
export function equityAt(holdings: Holdings, price: DecimalString): DecimalString {
  return equityOf(holdings.cash, holdings.quantity, price);
}
