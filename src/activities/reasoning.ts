import { ApplicationFailure } from '@temporalio/activity';
import type { BotConfig } from '../domain/botConfig';
import type { Decision, MarketSnapshot } from '../domain/types';
import type { SizeAdjustment } from '../trading/learning';
import { decide } from '../trading/strategies';
import type { ActivityDeps } from './deps';

export interface ReasoningInput {
  config: BotConfig;
  cycle: number;
  snapshot: MarketSnapshot;
  sizing: SizeAdjustment | null;
}

export function makeReasoningActivities({ broker, now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * Orient and decide: the bot's strategy turns the snapshot and the ledger's portfolio (not the workflow's
     * copy, which a failed cycle may have left behind a fill) into buy, sell or hold.
     */
    async decide(input: ReasoningInput): Promise<Decision> {
      const portfolio = await broker.portfolio(input.config.id, input.snapshot.price);
      try {
        return decide(input.config.strategy.name, {
          symbol: input.config.symbol,
          cycle: input.cycle,
          now: now().toISOString(),
          price: input.snapshot.price,
          candles: input.snapshot.candles,
          sentiment: input.snapshot.sentiment,
          portfolio,
          params: input.config.strategy.params,
          ...(input.sizing ? { sizing: input.sizing } : {}),
        });
      } catch (err) {
        throw ApplicationFailure.nonRetryable(`reasoning failed: ${(err as Error).message}`, 'InvalidConfig');
      }
    },
  };
}
