import type { BotConfig } from '../domain/botConfig';
import type { Decision, MarketSnapshot, PortfolioSummary, RiskVerdict } from '../domain/types';
import { evaluateRisk, InvalidRiskLimitsError } from '../trading/risk';
import type { RiskState } from '../trading/risk/state';
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';

export interface RiskCheckInput {
  config: BotConfig;
  cycle: number;
  snapshot: MarketSnapshot;
  decision: Decision;
  riskState: RiskState;
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
      try {
        const verdict = evaluateRisk({
          decision: input.decision,
          portfolio,
          price: input.snapshot.price,
          costs: input.config.broker,
          now: now().toISOString(),
          market: { source: input.snapshot.source, ageSeconds: input.snapshot.ageSeconds },
          mode: input.config.marketDataMode,
          risk: input.config.risk,
          state: input.riskState,
        });
        return { verdict, portfolio };
      } catch (err) {
        if (err instanceof InvalidRiskLimitsError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidConfig');
        throw err;
      }
    },
  };
}
