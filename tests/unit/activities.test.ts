import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Pool } from 'pg';
import { createActivities } from '../../src/activities';
import { PaperBroker } from '../../src/broker/paperBroker';
import { MarketCache } from '../../src/marketdata/cache';

// Failures below are provoked and asserted; the SDK would also print each one with its stack.
const quiet = new DefaultLogger('ERROR');

// Activities that need no database, through the SDK's MockActivityEnvironment. The pool never connects:
// these activities must not touch it (the ledger-backed ones run in tests/integration).
const pool = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
const now = new Date('2026-03-01T12:00:00Z');
const activities = createActivities({
  pool,
  broker: new PaperBroker(pool),
  marketCache: new MarketCache(pool),
  marketDataTtl: { priceSeconds: 60, candlesSeconds: 60, sentimentSeconds: 60 },
  now: () => now,
});
afterAll(() => pool.end());

describe('activities', () => {
  it('perceiveMarket serves the scripted quicktest market at the activity clock', async () => {
    const snap = await new MockActivityEnvironment({}, { logger: quiet }).run(activities.perceiveMarket, {
      botId: 'b',
      symbol: 'BTC/USD',
      cycle: 1,
    });
    expect(snap).toMatchObject({ price: '50000.00', source: 'mock', asOf: now.toISOString(), ageSeconds: 0 });
  });

  it('fetchMarketData without a key fails as non-retryable AlphaVantage.no-key', async () => {
    await expect(
      new MockActivityEnvironment({}, { logger: quiet }).run(activities.fetchMarketData, {
        kind: 'price' as const,
        symbol: 'BTC/USD',
      }),
    ).rejects.toMatchObject({ type: 'AlphaVantage.no-key', nonRetryable: true });
  });
});
