import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Pool } from 'pg';
import { createActivities } from '../../src/activities';
import type { RiskCheckResult } from '../../src/activities/riskCheck';
import { resolveBotConfig } from '../../src/domain/botConfig';
import { equityOf } from '../../src/domain/fills';
import type { Decision, MarketSnapshot, PortfolioSummary } from '../../src/domain/types';
import { postgresLedger } from '../../src/ledger';
import { MarketCache } from '../../src/marketdata/cache';
import { QUICKTEST_HISTORY } from '../../src/marketdata/quicktestFeed';
import { newBotTradingState } from '../../src/engine';
import { initialRiskState } from '../../src/trading/risk';

// Failures below are provoked and asserted; the SDK would also print each one with its stack.
const quiet = new DefaultLogger('ERROR');

// Activities that need no database, through the SDK's MockActivityEnvironment. The pool never connects:
// these activities must not touch it (the ledger-backed ones run in tests/integration). Reasoning and the
// risk check are among them: they are pure (local activities) and judge the portfolio they are given.
const pool = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
const now = new Date('2026-03-01T12:00:00Z');
const activities = createActivities({
  ledger: postgresLedger(pool),
  marketCache: new MarketCache(pool),
  marketDataTtl: { priceSeconds: 60, candlesSeconds: 60, sentimentSeconds: 60 },
  now: () => now,
});
afterAll(() => pool.end());

const env = () => new MockActivityEnvironment({}, { logger: quiet });
const quicktest = { name: 'quicktest', params: {} };

function book(cash: string, quantity: string, averageCost: string, markPrice: string): PortfolioSummary {
  return {
    cash,
    equity: equityOf(cash, quantity, markPrice),
    realizedPnl: '0.00',
    position: { symbol: 'BTC/USD', quantity, averageCost },
    markPrice,
  };
}

function snapshotAt(price: string, closes: string[] = [price]): MarketSnapshot {
  return { symbol: 'BTC/USD', price, asOf: now.toISOString(), ageSeconds: 0, source: 'live', closes, sentiment: null };
}

describe('activities', () => {
  it('perceiveMarket serves the scripted quicktest market at the activity clock', async () => {
    const snap: MarketSnapshot = await env().run(activities.perceiveMarket, {
      botId: 'b',
      symbol: 'BTC/USD',
      cycle: 1,
      strategy: quicktest,
    });
    expect(snap).toMatchObject({ price: '50000.00', source: 'mock', asOf: now.toISOString(), ageSeconds: 0 });
  });

  it("perceiveMarket carries as many closes as the bot's strategy reads", async () => {
    const perceive = (strategy: { name: string; params: Record<string, number> }): Promise<MarketSnapshot> =>
      env().run(activities.perceiveMarket, { botId: 'b', symbol: 'BTC/USD', cycle: 7, strategy });
    expect((await perceive(quicktest)).closes).toHaveLength(1);
    expect((await perceive({ name: 'ma-crossover', params: {} })).closes).toHaveLength(30);
    const wide = await perceive({ name: 'ma-crossover', params: { fast: 5, slow: 50 } });
    expect(wide.closes).toHaveLength(50);
    expect(wide.closes[wide.closes.length - 1]).toBe(wide.price);
    // The scripted feed keeps QUICKTEST_HISTORY closes at most.
    expect((await perceive({ name: 'rsi-mean-reversion', params: {} })).closes).toHaveLength(QUICKTEST_HISTORY);
  });

  it('fetchMarketData without a key fails as non-retryable AlphaVantage.no-key', async () => {
    await expect(
      env().run(activities.fetchMarketData, { kind: 'price' as const, symbol: 'BTC/USD', strategy: quicktest }),
    ).rejects.toMatchObject({ type: 'AlphaVantage.no-key', nonRetryable: true });
  });
});

describe('decide (pure: the portfolio given, marked at the snapshot price)', () => {
  const config = resolveBotConfig({ id: 'pure', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' });

  it('decides on the portfolio in its input, never reading the ledger', async () => {
    const snapshot = snapshotAt('52000.00');
    const flat = book('10000.00', '0', '0', '50000.00');
    const holding = book('5000.00', '0.1', '50000', '50000.00');
    expect(
      await env().run(activities.decide, { config, cycle: 1, snapshot, portfolio: flat, state: newBotTradingState() }),
    ).toEqual(expect.objectContaining({ action: 'buy', quantity: '0.1', strategy: 'quicktest' }));
    // The same snapshot with a held position given: the strategy sells what the input says is held.
    expect(
      await env().run(activities.decide, {
        config,
        cycle: 2,
        snapshot,
        portfolio: holding,
        state: newBotTradingState(),
      }),
    ).toMatchObject({
      action: 'sell',
      quantity: '0.1',
      rationale: 'holding 0.1 BTC/USD: take the trade off at 52000.00',
    });
  });

  it("sizes an entry on the given portfolio's equity", async () => {
    const maConfig = { ...config, strategy: { name: 'ma-crossover', params: { fast: 2, slow: 3 } } };
    const decision: Decision = await env().run(activities.decide, {
      config: maConfig,
      cycle: 3,
      snapshot: snapshotAt('50000.00', ['40000.00', '45000.00', '50000.00']),
      portfolio: book('9500.00', '0', '0', '40000.00'),
      state: newBotTradingState(),
    });
    // 40 % of 9,500 / 50,000 = 0.076.
    expect(decision).toMatchObject({ action: 'buy', quantity: '0.076' });
    expect(decision.rationale).toContain('40% of equity 9500.00');
  });

  it('fails a bad strategy as non-retryable InvalidConfig', async () => {
    const bad = { ...config, strategy: { name: 'moon', params: {} } };
    await expect(
      env().run(activities.decide, {
        config: bad,
        cycle: 1,
        snapshot: snapshotAt('50000.00'),
        portfolio: book('10000.00', '0', '0', '50000.00'),
        state: newBotTradingState(),
      }),
    ).rejects.toMatchObject({ type: 'InvalidConfig', nonRetryable: true });
  });
});

describe('checkRisk (pure: the portfolio given, marked at the snapshot price)', () => {
  const config = resolveBotConfig({ id: 'pure', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' });
  const sell: Decision = { action: 'sell', quantity: '0.1', confidence: 1, rationale: 'test', strategy: 'test' };

  it('judges the position in its input and returns the verdict and the state it was given', async () => {
    const riskState = initialRiskState('10000.00', now.toISOString());
    const snapshot = snapshotAt('52000.00', []);
    const holding: RiskCheckResult = await env().run(activities.checkRisk, {
      config,
      cycle: 2,
      snapshot,
      decision: sell,
      state: { risk: riskState, sizing: null },
      portfolio: book('5000.00', '0.1', '50000', '50000.00'),
    });
    expect(Object.keys(holding)).toEqual(['verdict', 'state']);
    expect(holding.state).toEqual({ risk: riskState, sizing: null });
    expect(holding.verdict).toMatchObject({ approved: true, order: { side: 'sell', quantity: '0.1' } });
    // Nothing held in the portfolio given: there is nothing to sell, whatever the ledger holds.
    const flat: RiskCheckResult = await env().run(activities.checkRisk, {
      config,
      cycle: 2,
      snapshot,
      decision: sell,
      state: { risk: riskState, sizing: null },
      portfolio: book('10000.00', '0', '0', '50000.00'),
    });
    expect(flat.verdict).toMatchObject({ approved: false, order: null });
  });

  it("values the position at the snapshot price: a drawdown at the stale mark is none at today's", async () => {
    const config2 = { ...config, risk: { maxDrawdownFraction: 0.1 } };
    const riskState = initialRiskState('10000.00', now.toISOString());
    // 5,000 cash and 0.1 BTC: 8,000 at the stale 30,000 mark (20 % down), 10,000 at the snapshot's 50,000.
    const portfolio = book('5000.00', '0.1', '50000', '30000.00');
    const buy: Decision = { ...sell, action: 'buy', quantity: '0.01' };
    const { verdict }: RiskCheckResult = await env().run(activities.checkRisk, {
      config: config2,
      cycle: 3,
      snapshot: snapshotAt('50000.00', []),
      decision: buy,
      state: { risk: riskState, sizing: null },
      portfolio,
    });
    expect(verdict.rule).not.toBe('max-drawdown');
    expect(verdict.approved).toBe(true);
  });
});
