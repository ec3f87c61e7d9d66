import { ApplicationFailure } from '@temporalio/activity';
import type { BotConfig } from '../domain/botConfig';
import { markPortfolio } from '../domain/fills';
import type { Decision, MarketSnapshot, PortfolioSummary, RiskVerdict } from '../domain/types';
import { evaluateRisk, InvalidRiskLimitsError } from '../trading/risk';
import type { RiskState } from '../trading/risk/state';
import type { ActivityDeps } from './deps';

export interface RiskCheckInput {
  config: BotConfig;
  cycle: number;
  /** The price and its provenance; its closes are not needed here and may be left out. */
  snapshot: MarketSnapshot;
  decision: Decision;
  riskState: RiskState;
  /** The ledger's portfolio as the bot last read it (the bot is its account's only writer). */
  portfolio: PortfolioSummary;
}

export interface RiskCheckResult {
  verdict: RiskVerdict;
}

export function makeRiskActivities({ now = () => new Date() }: ActivityDeps) {
  return {
    /** The gatekeeper: every risk rule judges the decision. Pure computation (it runs as a local activity). */
    // eslint-disable-next-line @typescript-eslint/require-await -- activities are async by contract
    async checkRisk(input: RiskCheckInput): Promise<RiskCheckResult> {
      try {
        const verdict = evaluateRisk({
          decision: input.decision,
          portfolio: markPortfolio(input.portfolio, input.snapshot.price),
          price: input.snapshot.price,
          costs: input.config.broker,
          now: now().toISOString(),
          market: { source: input.snapshot.source, ageSeconds: input.snapshot.ageSeconds },
          mode: input.config.marketDataMode,
          risk: input.config.risk,
          state: input.riskState,
        });
        return { verdict };
      } catch (err) {
        if (err instanceof InvalidRiskLimitsError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidConfig');
        throw err;
      }
    },
  };
}
