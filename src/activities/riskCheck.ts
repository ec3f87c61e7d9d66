import type { BotConfig } from '../domain/botConfig';
import type { Decision, MarketSnapshot, PortfolioSummary, RiskVerdict } from '../domain/types';
import { evaluateRisk } from '../trading/risk';
import type { ActivityDeps } from './deps';

export interface RiskCheckInput {
  config: BotConfig;
  cycle: number;
  snapshot: MarketSnapshot;
  decision: Decision;
}

export interface RiskCheckResult {
  verdict: RiskVerdict;
  /** The ledger's portfolio at this cycle's price: the gatekeeper trusts the ledger, not the workflow's copy. */
  portfolio: PortfolioSummary;
}

export function makeRiskActivities({ broker, now = () => new Date() }: ActivityDeps) {
  return {
    async checkRisk(input: RiskCheckInput): Promise<RiskCheckResult> {
      const portfolio = await broker.portfolio(input.config.id, input.snapshot.price);
      const verdict = evaluateRisk({
        decision: input.decision,
        portfolio,
        price: input.snapshot.price,
        costs: input.config.broker,
        now: now().toISOString(),
      });
      return { verdict, portfolio };
    },
  };
}
