import type { MarketSnapshot } from '../domain/types';
import { quicktestSnapshot } from '../marketdata/quicktestFeed';
import { historyOf } from '../trading/strategies';
import type { ActivityDeps, PerceptionRequest } from './deps';

export function makeSyntheticPerceptionActivities({ now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * Synthetic market data, source `mock`: the scripted quicktest feed, and the last resort of a live bot
     * when neither Alpha Vantage nor the cache has anything (the risk check then refuses new entries).
     */
    // eslint-disable-next-line @typescript-eslint/require-await -- activities are async by contract
    async perceiveMarket(req: PerceptionRequest): Promise<MarketSnapshot> {
      return quicktestSnapshot(req.symbol, req.cycle, now(), historyOf(req.strategy));
    },
  };
}
