import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Pool } from 'pg';
import { createActivities } from '../../src/activities';
import { PaperBroker } from '../../src/broker/paperBroker';
import { resolveBotConfig } from '../../src/domain/botConfig';
import type { MarketSnapshot, PortfolioSummary } from '../../src/domain/types';
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
const flat: PortfolioSummary = {
  cash: '10000.00',
  equity: '10000.00',
  realizedPnl: '0.00',
  position: { symbol: 'BTC/USD', quantity: '0', averageCost: '0' },
  markPrice: null,
};
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

  it('decide runs the bot strategy on the snapshot', async () => {
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const config = resolveBotConfig({ id: 'b', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' });
    const snapshot: MarketSnapshot = await env.run(activities.perceiveMarket, {
      botId: 'b',
      symbol: 'BTC/USD',
      cycle: 1,
    });
    const decision = await env.run(activities.decide, { config, cycle: 1, snapshot, portfolio: flat, sizing: null });
    expect(decision).toMatchObject({ action: 'buy', quantity: '0.1', strategy: 'quicktest' });
  });

  it('decide fails a bad strategy as non-retryable InvalidConfig', async () => {
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const config = {
      ...resolveBotConfig({ id: 'b', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' }),
      strategy: { name: 'moon', params: {} },
    };
    const snapshot: MarketSnapshot = await env.run(activities.perceiveMarket, {
      botId: 'b',
      symbol: 'BTC/USD',
      cycle: 1,
    });
    await expect(
      env.run(activities.decide, { config, cycle: 1, snapshot, portfolio: flat, sizing: null }),
    ).rejects.toMatchObject({
      type: 'InvalidConfig',
      nonRetryable: true,
    });
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
