import { ApplicationFailure } from '@temporalio/activity';
import type { BotConfig } from '../domain/botConfig';
import { markPortfolio } from '../domain/fills';
import type { Decision, MarketSnapshot, PortfolioSummary } from '../domain/types';
import type { SizeAdjustment } from '../trading/learning';
import { decide } from '../trading/strategies';
import type { ActivityDeps } from './deps';

export interface ReasoningInput {
  config: BotConfig;
  cycle: number;
  snapshot: MarketSnapshot;
  /** The ledger's portfolio as the bot last read it (the bot is its account's only writer). */
  portfolio: PortfolioSummary;
  sizing: SizeAdjustment | null;
}

export function makeReasoningActivities({ now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * Orient and decide: the bot's strategy turns the snapshot and the portfolio, marked at the snapshot's
     * price, into buy, sell or hold. Pure computation (it runs as a local activity): no I/O.
     */
    // eslint-disable-next-line @typescript-eslint/require-await -- activities are async by contract
    async decide(input: ReasoningInput): Promise<Decision> {
      try {
        return decide(input.config.strategy.name, {
          symbol: input.config.symbol,
          cycle: input.cycle,
          now: now().toISOString(),
          price: input.snapshot.price,
          closes: input.snapshot.closes,
          sentiment: input.snapshot.sentiment,
          portfolio: markPortfolio(input.portfolio, input.snapshot.price),
          params: input.config.strategy.params,
          ...(input.sizing ? { sizing: input.sizing } : {}),
        });
      } catch (err) {
        throw ApplicationFailure.nonRetryable(`reasoning failed: ${(err as Error).message}`, 'InvalidConfig');
      }
    },
  };
}
