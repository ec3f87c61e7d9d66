import { markPortfolio } from '../domain/fills';
import type { Decision, PortfolioSummary, RiskVerdict } from '../domain/types';
import { evaluateRisk } from '../trading/risk';
import type { RiskState } from '../trading/risk/state';
import { withRiskMemory } from './botState';
import type { EngineConfig, Observation, Step, TradingState } from './types';

export interface CheckRiskInput {
  observation: Observation;
  decision: Decision;
  /** The portfolio the decision was made on (unmarked: the first cycle's peak equity is the ledger's). */
  portfolio: PortfolioSummary;
}

/**
 * The gatekeeper judges the decision with every risk rule. A bot's first cycle starts its risk memory here, at
 * the portfolio's equity; the memory only moves on in `learn`, once the cycle's outcome is known.
 */
export function checkRisk<S extends Pick<TradingState, 'risk'>>(
  state: S,
  input: CheckRiskInput,
  config: EngineConfig,
): Step<RiskVerdict, S & { risk: RiskState }> {
  const { observation: o } = input;
  const nextState = withRiskMemory(state, input.portfolio.equity, o.now);
  const verdict = evaluateRisk({
    decision: input.decision,
    portfolio: markPortfolio(input.portfolio, o.price),
    price: o.price,
    costs: config.costs,
    now: o.now,
    market: { source: o.source, ageSeconds: o.ageSeconds },
    mode: config.mode,
    risk: config.risk,
    state: nextState.risk,
  });
  const said = verdict.approved ? 'approved' : 'refused';
  return {
    output: verdict,
    nextState,
    explanation: `risk ${said} (${verdict.rule}): ${verdict.reason}`,
  };
}
