import { bookFill } from '../../domain/fills';
import type { BrokerCosts, Decision, PortfolioSummary, RiskVerdict } from '../../domain/types';

export interface RiskInput {
  decision: Decision;
  portfolio: PortfolioSummary;
  price: string;
  costs: BrokerCosts;
  now: string;
}

/** The gatekeeper: a hold passes nothing; an order passes only if the broker could book it. */
export function evaluateRisk(input: RiskInput): RiskVerdict {
  const { decision, portfolio } = input;
  if (decision.action === 'hold') {
    return { approved: false, rule: 'hold', reason: 'strategy chose to hold', order: null };
  }
  const outcome = bookFill(
    {
      cash: portfolio.cash,
      quantity: portfolio.position.quantity,
      averageCost: portfolio.position.averageCost,
      realizedPnl: portfolio.realizedPnl,
    },
    { side: decision.action, quantity: decision.quantity, referencePrice: input.price },
    input.costs,
  );
  if (!outcome.ok) {
    return { approved: false, rule: decision.action === 'buy' ? 'cash-floor' : 'no-short', reason: outcome.reason, order: null };
  }
  return {
    approved: true,
    rule: 'all-passed',
    reason: 'every rule passed',
    order: { side: decision.action, quantity: decision.quantity },
  };
}
