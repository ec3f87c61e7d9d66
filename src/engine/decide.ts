import { markPortfolio } from '../domain/fills';
import type { Decision, PortfolioSummary } from '../domain/types';
import { decide as strategyDecide } from '../trading/strategies';
import type { EngineConfig, Observation, Step, TradingState } from './types';

export interface DecideInput {
  observation: Observation;
  /** The ledger's portfolio (live) or the simulated one (backtest, what-if); it is marked here at the price. */
  portfolio: PortfolioSummary;
}

/**
 * Orient and decide: the bot's strategy turns the observation and the portfolio into buy, sell or hold, its
 * entries scaled by what learning concluded. Reads only `sizing` of the state, and changes nothing in it.
 */
export function decide<S extends Pick<TradingState, 'sizing'>>(
  state: S,
  input: DecideInput,
  config: EngineConfig,
): Step<Decision, S> {
  const { observation: o } = input;
  const decision = strategyDecide(config.strategy.name, {
    symbol: config.symbol,
    cycle: o.cycle,
    now: o.now,
    price: o.price,
    closes: o.closes,
    sentiment: o.sentiment,
    portfolio: markPortfolio(input.portfolio, o.price),
    params: config.strategy.params,
    ...(config.adaptiveSizing && state.sizing ? { sizing: state.sizing } : {}),
  });
  return { output: decision, nextState: state, explanation: `${decision.strategy}: ${decision.rationale}` };
}
