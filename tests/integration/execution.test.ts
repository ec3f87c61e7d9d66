import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { LearningResult } from '../../src/activities/learning';
import type { RiskCheckResult } from '../../src/activities/riskCheck';
import { resolveBotConfig } from '../../src/domain/botConfig';
import { equityOf } from '../../src/domain/fills';
import { formatMoney } from '../../src/domain/money';
import {
  accumulatorOf,
  figuresOf,
  performanceStats,
  statsByStrategy,
  type PerformanceStats,
} from '../../src/trading/learning';
import { newBotTradingState } from '../../src/engine';
import { initialRiskState } from '../../src/trading/risk';
import type { Decision, ExecutionResult, MarketSnapshot, OrderIntent, PortfolioSummary } from '../../src/domain/types';
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
    await db.ledger.openAccount('exec', 'BTC/USD', '10000.00');
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
    expect((await db.ledger.portfolio('exec', null)).cash).toBe('5000.00');
  });

  it('concurrent attempts for one cycle book a single fill', async () => {
    const attempts = await Promise.all([1, 2, 3, 4].map(() => db.ledger.placeMarketOrder(intent(2, 'sell'), free)));
    expect(attempts.filter((a) => !a.duplicate)).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM fills WHERE bot_id = $1', ['exec']);
    expect(rows[0].n).toBe(2);
    expect((await db.ledger.portfolio('exec', null)).position.quantity).toBe('0');
  });

  it('books a refused order once and answers a retry with the same refusal', async () => {
    const tooBig = { ...intent(3), quantity: '1' };
    const first = await db.ledger.placeMarketOrder(tooBig, free);
    const again = await db.ledger.placeMarketOrder(tooBig, free);
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
    await expect(db.ledger.placeMarketOrder({ ...intent(1), side: 'sell' }, free)).rejects.toThrow('already names');
  });

  it('books the quantity rounded down to 8 decimals, in the fill and the position alike', async () => {
    await db.ledger.openAccount('sats', 'BTC/USD', '10000.00');
    const result = await db.ledger.placeMarketOrder(
      { ...intent(1), botId: 'sats', clientOrderId: 'sats:1', quantity: '0.123456789' },
      free,
    );
    if (result.status !== 'filled') throw new Error(result.status);
    expect(result.fill.quantity).toBe('0.12345678');
    expect((await db.ledger.portfolio('sats', null)).position.quantity).toBe('0.12345678');
  });

  it('refuses an account for another symbol under an existing bot id', async () => {
    await expect(db.ledger.openAccount('exec', 'ETH/USD', '10000.00')).rejects.toThrow(
      'already has a ledger account for BTC/USD',
    );
    const env = new MockActivityEnvironment({}, { logger: quiet });
    await expect(
      env.run(createActivities(db.deps).openAccount, { botId: 'exec', symbol: 'ETH/USD', startingCash: '10000.00' }),
    ).rejects.toMatchObject({ type: 'AccountMismatch', nonRetryable: true });
  });
});

describe('decide', () => {
  const quicktest = { name: 'quicktest', params: {} };

  it('runs the bot strategy on the snapshot and the portfolio given, not on the ledger', async () => {
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const activities = createActivities(db.deps);
    await db.ledger.openAccount('reasoner', 'BTC/USD', '10000.00');
    const config = resolveBotConfig({ id: 'reasoner', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' });
    const snapshot: MarketSnapshot = await env.run(activities.perceiveMarket, {
      botId: 'reasoner',
      symbol: 'BTC/USD',
      cycle: 1,
      strategy: config.strategy,
    });
    const flat = await db.ledger.portfolio('reasoner', null);
    expect(
      await env.run(activities.decide, { config, cycle: 1, snapshot, portfolio: flat, state: newBotTradingState() }),
    ).toMatchObject({ action: 'buy', quantity: '0.1', strategy: 'quicktest' });
    // The ledger now holds 0.1, but the portfolio given (the bot's last read, here stale on purpose) says flat:
    // reasoning is pure and decides on its input.
    await db.ledger.placeMarketOrder({ ...intent(1), botId: 'reasoner', clientOrderId: 'reasoner:1' }, free);
    expect(
      await env.run(activities.decide, { config, cycle: 2, snapshot, portfolio: flat, state: newBotTradingState() }),
    ).toMatchObject({ action: 'buy' });
    const holding = await db.ledger.portfolio('reasoner', null);
    expect(
      await env.run(activities.decide, { config, cycle: 2, snapshot, portfolio: holding, state: newBotTradingState() }),
    ).toMatchObject({ action: 'sell', quantity: '0.1' });
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
      strategy: quicktest,
    });
    const portfolio = await db.ledger.portfolio('reasoner', snapshot.price);
    await expect(
      env.run(createActivities(db.deps).decide, { config, cycle: 1, snapshot, portfolio, state: newBotTradingState() }),
    ).rejects.toMatchObject({
      type: 'InvalidConfig',
      nonRetryable: true,
    });
  });
});

describe('checkRisk', () => {
  it("judges the portfolio given, marked at the snapshot's price, not the ledger's", async () => {
    const env = new MockActivityEnvironment({}, { logger: quiet });
    const activities = createActivities(db.deps);
    await db.ledger.openAccount('judge', 'BTC/USD', '10000.00');
    const config = resolveBotConfig({ id: 'judge', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' });
    const snapshot: MarketSnapshot = await env.run(activities.perceiveMarket, {
      botId: 'judge',
      symbol: 'BTC/USD',
      cycle: 2,
      strategy: config.strategy,
    });
    const riskState = initialRiskState('10000.00', new Date().toISOString());
    const sell: Decision = { action: 'sell', quantity: '0.1', confidence: 1, rationale: 'test', strategy: 'quicktest' };
    // The ledger is flat; the bot's portfolio (as it last read it) holds 0.1 bought at 50,000, marked there.
    const held: PortfolioSummary = {
      cash: '5000.00',
      equity: '10000.00',
      realizedPnl: '0.00',
      position: { symbol: 'BTC/USD', quantity: '0.1', averageCost: '50000' },
      markPrice: '50000.00',
    };
    const judged: RiskCheckResult = await env.run(activities.checkRisk, {
      config,
      cycle: 2,
      snapshot: { ...snapshot, closes: [] },
      decision: sell,
      state: { risk: riskState, sizing: null },
      portfolio: held,
    });
    expect(judged).toEqual({
      verdict: expect.objectContaining({ approved: true, rule: 'all-passed' }),
      state: { risk: riskState, sizing: null },
    });
    expect(judged.verdict.order).toMatchObject({ side: 'sell', quantity: '0.1' });
    expect(equityOf(held.cash, held.position.quantity, snapshot.price)).toBe('10200.00');

    // And the other way round: the ledger holds 0.1, the portfolio given is flat: nothing to sell.
    await db.ledger.placeMarketOrder({ ...intent(1), botId: 'judge', clientOrderId: 'judge:1' }, free);
    const flat: RiskCheckResult = await env.run(activities.checkRisk, {
      config,
      cycle: 2,
      snapshot: { ...snapshot, closes: [] },
      decision: sell,
      state: { risk: riskState, sizing: null },
      portfolio: { ...held, cash: '10000.00', position: { ...held.position, quantity: '0', averageCost: '0' } },
    });
    expect(flat.verdict).toMatchObject({ approved: false, order: null });
  });
});

describe('recordCycle', () => {
  const env = new MockActivityEnvironment({}, { logger: quiet });

  /** Runs cycle `cycle` of bot `botId` as far as the learning phase, with an optional fill, and learns it. */
  async function learn(botId: string, cycle: number, side: 'buy' | 'sell' | null): Promise<LearningResult> {
    const activities = createActivities(db.deps);
    const snapshot: MarketSnapshot = await env.run(activities.perceiveMarket, {
      botId,
      symbol: 'BTC/USD',
      cycle,
      strategy: { name: 'quicktest', params: {} },
    });
    const execution = side
      ? await db.ledger.placeMarketOrder(
          { ...intent(cycle, side), botId, clientOrderId: `${botId}:${cycle}`, referencePrice: snapshot.price },
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
    return env.run(activities.recordCycle, {
      botId,
      cycle,
      workflowId: `bot-${botId}-cycle-${cycle}`,
      snapshot: { ...snapshot, closes: [] },
      decision,
      verdict,
      execution,
      state: newBotTradingState(),
    });
  }

  function expectSameStats(actual: PerformanceStats, expected: PerformanceStats): void {
    const { sharpeLike: a, ...restA } = actual;
    const { sharpeLike: b, ...restB } = expected;
    expect(restA).toEqual(restB);
    if (b === null) expect(a).toBeNull();
    else expect(a).toBeCloseTo(b, 10);
  }

  /** The stored accumulator equals the batch statistics over the whole journal. */
  async function expectStoredMatchesJournal(botId: string, result: LearningResult): Promise<void> {
    const journal = await db.ledger.journalEntries(botId);
    const stored = await db.ledger.statistics(botId);
    expect(stored).toEqual(accumulatorOf(journal));
    const open = { position: result.portfolio.position, markPrice: result.portfolio.markPrice };
    const figures = figuresOf(stored!, open);
    expectSameStats(figures.stats, performanceStats(journal, open));
    expectSameStats(result.stats, performanceStats(journal, open));
    const batch = statsByStrategy(journal, open);
    expect(Object.keys(figures.statsByStrategy)).toEqual(Object.keys(batch));
    for (const name of Object.keys(batch)) expectSameStats(figures.statsByStrategy[name], batch[name]);
  }

  it('stores the running statistics beside the journal and returns portfolio, stats, sizing and state', async () => {
    await db.ledger.openAccount('learner', 'BTC/USD', '10000.00');
    expect(await db.ledger.statistics('learner')).toBeNull();
    const one = await learn('learner', 1, 'buy');
    expect(Object.keys(one).sort()).toEqual(['portfolio', 'sizing', 'state', 'stats']);
    // The bot's next trading state: the risk memory moved on by the cycle, the sizing it learned; no statistics.
    expect(one.state).toEqual({
      risk: expect.objectContaining({ peakEquity: formatMoney(one.portfolio.equity), halted: false }),
      sizing: one.sizing,
    });
    expect((await db.ledger.statistics('learner'))?.lastCycle).toBe(1);
    const two = await learn('learner', 2, 'sell');
    expect(two.stats).toMatchObject({ cycles: 2, trades: 1, wins: 1 });
    const { rows } = await db.pool.query('SELECT last_cycle FROM bot_learning WHERE bot_id = $1', ['learner']);
    expect(rows).toEqual([{ last_cycle: 2 }]);
    await expectStoredMatchesJournal('learner', two);
  });

  it('a retried recordCycle returns the same figures and does not count the cycle twice', async () => {
    await db.ledger.openAccount('retry', 'BTC/USD', '10000.00');
    await learn('retry', 1, 'buy');
    const first = await learn('retry', 2, 'sell');
    const storedAfterFirst = await db.ledger.statistics('retry');
    // The same cycle again, as an activity retry runs it (the order is a duplicate, the journal row upserted).
    const retried = await learn('retry', 2, 'sell');
    expect(retried).toEqual(first);
    expect(retried.stats).toMatchObject({ cycles: 2, trades: 1 });
    expect(await db.ledger.statistics('retry')).toEqual(storedAfterFirst);
    // And a late retry of an older cycle never rolls the stored statistics back.
    await learn('retry', 1, 'buy');
    expect((await db.ledger.statistics('retry'))?.lastCycle).toBe(2);
    await expectStoredMatchesJournal('retry', retried);
  });

  it('rebuilds missing statistics from the journal', async () => {
    await db.ledger.openAccount('amnesia', 'BTC/USD', '10000.00');
    await learn('amnesia', 1, 'buy');
    await learn('amnesia', 2, 'sell');
    await db.pool.query('DELETE FROM bot_learning WHERE bot_id = $1', ['amnesia']);
    const three = await learn('amnesia', 3, null);
    expect(three.stats).toMatchObject({ cycles: 3, trades: 1 });
    expect((await db.ledger.statistics('amnesia'))?.lastCycle).toBe(3);
    await expectStoredMatchesJournal('amnesia', three);
  });

  it('rebuilds the statistics from the journal when the stored ones missed a cycle', async () => {
    await db.ledger.openAccount('behind', 'BTC/USD', '10000.00');
    await learn('behind', 1, 'buy');
    const afterOne = await db.ledger.statistics('behind');
    await learn('behind', 2, 'sell'); // journaled...
    // ...but its statistics never stored (the cycle failed between the two): the stored ones are at cycle 1.
    await db.pool.query('UPDATE bot_learning SET last_cycle = 1, accumulator = $2 WHERE bot_id = $1', [
      'behind',
      JSON.stringify(afterOne),
    ]);
    const three = await learn('behind', 3, null);

    const journal = await db.ledger.journalEntries('behind');
    expect(journal.map((e) => e.cycle)).toEqual([1, 2, 3]);
    expect(three.stats.trades).toBe(1);
    expect(three.stats).toEqual(
      figuresOf(accumulatorOf(journal), { position: three.portfolio.position, markPrice: three.portfolio.markPrice })
        .stats,
    );
    expect((await db.ledger.statistics('behind'))?.lastCycle).toBe(3);
    await expectStoredMatchesJournal('behind', three);
  });
});
