import { ApplicationFailure } from '@temporalio/activity';
import type { BotConfig } from '../domain/botConfig';
import type { Decision, MarketSnapshot, PortfolioSummary } from '../domain/types';
import type { SizeAdjustment } from '../trading/learning';
import { decide } from '../trading/strategies';
import type { ActivityDeps } from './deps';

export interface ReasoningInput {
  config: BotConfig;
  cycle: number;
  snapshot: MarketSnapshot;
  portfolio: PortfolioSummary;
  sizing: SizeAdjustment | null;
}

export function makeReasoningActivities({ now = () => new Date() }: ActivityDeps) {
  return {
    /** Orient and decide: the bot's strategy turns the snapshot into buy, sell or hold. */
    // eslint-disable-next-line @typescript-eslint/require-await -- activities are async by contract
    async decide(input: ReasoningInput): Promise<Decision> {
      try {
        return decide(input.config.strategy.name, {
          symbol: input.config.symbol,
          cycle: input.cycle,
          now: now().toISOString(),
          price: input.snapshot.price,
          candles: input.snapshot.candles,
          sentiment: input.snapshot.sentiment,
          portfolio: input.portfolio,
          params: input.config.strategy.params,
          ...(input.sizing ? { sizing: input.sizing } : {}),
        });
      } catch (err) {
        throw ApplicationFailure.nonRetryable(`reasoning failed: ${(err as Error).message}`, 'InvalidConfig');
      }
    },
  };
}
