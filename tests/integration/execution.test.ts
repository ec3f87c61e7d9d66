import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { LearningResult } from '../../src/activities/learning';
import { loadJournal } from '../../src/broker/journal';
import { resolveBotConfig } from '../../src/domain/botConfig';
import { accumulatorOf, figuresOf, type StatsAccumulator } from '../../src/trading/learning';
import type { ExecutionResult, MarketSnapshot, OrderIntent } from '../../src/domain/types';
import { createTestDatabase, type TestDatabase } from '../support/harness';

// Failures below are provoked and asserted; the SDK would also print each one with its stack.
const quiet = new DefaultLogger('ERROR');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

const intent = (cycle: number, side: 'buy' | 'sell' = 'buy'): OrderIntent => ({
  clientOrderId: `exec:${cycle}`,
  botId: 'exec',
  cycle,
  symbol: 'BTC/USD',
  side,
  quantity: '0.1',
  referencePrice: '50000',
});
const free = { feeBps: 0, slippageBps: 0 };

describe('executeOrder', () => {
  it('run twice for the same cycle fills once and returns the original fill', async () => {
    await db.broker.openAccount('exec', 'BTC/USD', '10000.00');
    const activities = createActivities(db.deps);
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const first: ExecutionResult = await env.run(activities.executeOrder, { intent: intent(1), costs: free });
    const second: ExecutionResult = await env.run(activities.executeOrder, { intent: intent(1), costs: free });

    expect(first).toMatchObject({ status: 'filled', duplicate: false });
    expect(second).toMatchObject({ status: 'filled', duplicate: true });
    if (first.status !== 'filled' || second.status !== 'filled') throw new Error('expected fills');
    expect(second.fill).toEqual(first.fill);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM fills WHERE client_order_id = $1', ['exec:1']);
    expect(rows[0].n).toBe(1);
    expect((await db.broker.portfolio('exec', null)).cash).toBe('5000.00');
  });

  it('concurrent attempts for one cycle book a single fill', async () => {
    const attempts = await Promise.all([1, 2, 3, 4].map(() => db.broker.placeMarketOrder(intent(2, 'sell'), free)));
    expect(attempts.filter((a) => !a.duplicate)).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM fills WHERE bot_id = $1', ['exec']);
    expect(rows[0].n).toBe(2);
    expect((await db.broker.portfolio('exec', null)).position.quantity).toBe('0');
  });

  it('books a refused order once and answers a retry with the same refusal', async () => {
    const tooBig = { ...intent(3), quantity: '1' };
    const first = await db.broker.placeMarketOrder(tooBig, free);
    const again = await db.broker.placeMarketOrder(tooBig, free);
    expect(first).toMatchObject({
      status: 'rejected',
      duplicate: false,
      reason: expect.stringContaining('insufficient cash'),
    });
    expect(again).toMatchObject({ status: 'rejected', duplicate: true });
  });

  it('fails garbage orders as non-retryable InvalidOrder without touching the ledger', async () => {
    const activities = createActivities(db.deps);
    const env = new MockActivityEnvironment({}, { logger: quiet });
    await expect(
      env.run(activities.executeOrder, { intent: { ...intent(4), quantity: '-1' }, costs: free }),
    ).rejects.toMatchObject({ type: 'InvalidOrder', nonRetryable: true });
    await expect(
      env.run(activities.executeOrder, { intent: { ...intent(5), clientOrderId: 'other:5' }, costs: free }),
    ).rejects.toMatchObject({ type: 'InvalidOrder' });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE cycle IN (4, 5)');
    expect(rows[0].n).toBe(0);
  });

  it('a client order id that already names another order is a non-retryable conflict, never its fill', async () => {
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const activities = createActivities(db.deps);
    // exec:1 is a buy of 0.1: the same id for a different order must not be answered with that fill.
    await expect(
      env.run(activities.executeOrder, { intent: { ...intent(1), quantity: '0.05' }, costs: free }),
    ).rejects.toMatchObject({ type: 'ClientOrderIdConflict', nonRetryable: true });
    await expect(db.broker.placeMarketOrder({ ...intent(1), side: 'sell' }, free)).rejects.toThrow('already names');
  });

  it('books the quantity rounded down to 8 decimals, in the fill and the position alike', async () => {
    await db.broker.openAccount('sats', 'BTC/USD', '10000.00');
    const result = await db.broker.placeMarketOrder(
      { ...intent(1), botId: 'sats', clientOrderId: 'sats:1', quantity: '0.123456789' },
      free,
    );
    if (result.status !== 'filled') throw new Error(result.status);
    expect(result.fill.quantity).toBe('0.12345678');
    expect((await db.broker.portfolio('sats', null)).position.quantity).toBe('0.12345678');
  });

  it('refuses an account for another symbol under an existing bot id', async () => {
    await expect(db.broker.openAccount('exec', 'ETH/USD', '10000.00')).rejects.toThrow(
      'already has a ledger account for BTC/USD',
    );
    const env = new MockActivityEnvironment({}, { logger: quiet });
    await expect(
      env.run(createActivities(db.deps).openAccount, { botId: 'exec', symbol: 'ETH/USD', startingCash: '10000.00' }),
    ).rejects.toMatchObject({ type: 'AccountMismatch', nonRetryable: true });
  });
});

describe('decide', () => {
  it('runs the bot strategy on the snapshot and the ledger portfolio', async () => {
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const activities = createActivities(db.deps);
    await db.broker.openAccount('reasoner', 'BTC/USD', '10000.00');
    const config = resolveBotConfig({ id: 'reasoner', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' });
    const snapshot: MarketSnapshot = await env.run(activities.perceiveMarket, {
      botId: 'reasoner',
      symbol: 'BTC/USD',
      cycle: 1,
    });
    expect(await env.run(activities.decide, { config, cycle: 1, snapshot, sizing: null })).toMatchObject({
      action: 'buy',
      quantity: '0.1',
      strategy: 'quicktest',
    });
    // The ledger, not a caller's copy, says what is held: after a buy the strategy sells.
    await db.broker.placeMarketOrder({ ...intent(1), botId: 'reasoner', clientOrderId: 'reasoner:1' }, free);
    expect(await env.run(activities.decide, { config, cycle: 2, snapshot, sizing: null })).toMatchObject({
      action: 'sell',
    });
  });

  it('fails a bad strategy as non-retryable InvalidConfig', async () => {
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const config = {
      ...resolveBotConfig({ id: 'reasoner', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' }),
      strategy: { name: 'moon', params: {} },
    };
    const snapshot: MarketSnapshot = await env.run(createActivities(db.deps).perceiveMarket, {
      botId: 'reasoner',
      symbol: 'BTC/USD',
      cycle: 1,
    });
    await expect(
      env.run(createActivities(db.deps).decide, { config, cycle: 1, snapshot, sizing: null }),
    ).rejects.toMatchObject({
      type: 'InvalidConfig',
      nonRetryable: true,
    });
  });
});

describe('recordCycle', () => {
  it('rebuilds the statistics from the journal when the carried ones missed a cycle', async () => {
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const activities = createActivities(db.deps);
    await db.broker.openAccount('learner', 'BTC/USD', '10000.00');
    const learn = async (cycle: number, side: 'buy' | 'sell' | null, accumulator: StatsAccumulator | null) => {
      const snapshot: MarketSnapshot = await env.run(activities.perceiveMarket, {
        botId: 'learner',
        symbol: 'BTC/USD',
        cycle,
      });
      const execution = side
        ? await db.broker.placeMarketOrder(
            {
              ...intent(cycle, side),
              botId: 'learner',
              clientOrderId: `learner:${cycle}`,
              referencePrice: snapshot.price,
            },
            free,
          )
        : null;
      const decision = {
        action: side ?? 'hold',
        quantity: '0.1',
        confidence: 1,
        rationale: 'test',
        strategy: 'quicktest',
      } as const;
      const verdict = { approved: !!side, rule: side ? 'all-passed' : 'hold', reason: '', order: null };
      const learned: LearningResult = await env.run(activities.recordCycle, {
        botId: 'learner',
        cycle,
        workflowId: `bot-learner-cycle-${cycle}`,
        snapshot: { ...snapshot, candles: [] },
        decision,
        verdict,
        execution,
        accumulator,
      });
      return learned;
    };
    const one = await learn(1, 'buy', null);
    await learn(2, 'sell', one.accumulator); // journaled, but its result never reaches the bot
    const three = await learn(3, null, one.accumulator);

    const journal = await loadJournal(db.pool, 'learner');
    expect(journal.map((e) => e.cycle)).toEqual([1, 2, 3]);
    expect(three.stats.trades).toBe(1);
    expect(three.stats).toEqual(
      figuresOf(accumulatorOf(journal), { position: three.portfolio.position, markPrice: three.portfolio.markPrice })
        .stats,
    );
    expect(three.accumulator.lastCycle).toBe(3);
  });
});
