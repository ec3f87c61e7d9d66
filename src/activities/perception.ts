import { ApplicationFailure } from '@temporalio/activity';
import type { MarketSnapshot } from '../domain/types';
import { quicktestSnapshot } from '../marketdata/quicktestFeed';
import type { ActivityDeps, PerceptionRequest } from './deps';

export function makePerceptionActivities({ liveMarketData, now = () => new Date() }: ActivityDeps) {
  return {
    /** Observe: the market as the bot sees it this cycle, and where that view came from. */
    async perceiveMarket(req: PerceptionRequest): Promise<MarketSnapshot> {
      if (req.mode === 'quicktest') return quicktestSnapshot(req.symbol, req.cycle, now());
      if (!liveMarketData) {
        throw ApplicationFailure.nonRetryable(
          'live market data is not configured on this worker',
          'MarketDataUnavailable',
        );
      }
      return liveMarketData.perceive(req, now());
    },
  };
}
