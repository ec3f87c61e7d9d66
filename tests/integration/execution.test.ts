import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { ExecutionResult, OrderIntent } from '../../src/domain/types';
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
});
