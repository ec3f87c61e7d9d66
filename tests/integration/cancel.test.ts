import { resolveBotConfig } from '../../src/domain/botConfig';
import { AlphaVantageClient } from '../../src/marketdata/alphavantage';
import type { botWorkflow } from '../../src/workflows/bot';
import { statusQuery } from '../../src/workflows/messages';
import { startFakeAlphaVantage, type FakeAlphaVantage } from '../support/fakeAlphaVantage';
import {
  createTestDatabase,
  eventually,
  startTestWorker,
  type TestDatabase,
  type TestTemporal,
} from '../support/harness';

// An operator may cancel a stuck cycle workflow from the UI or CLI: that fails the cycle, never the bot.

let fake: FakeAlphaVantage;
let db: TestDatabase;
let temporal: TestTemporal;

beforeAll(async () => {
  fake = await startFakeAlphaVantage();
  db = await createTestDatabase();
  temporal = await startTestWorker({
    ...db.deps,
    // A long client timeout and a hanging service: the cycle sits in perception until someone acts.
    alphaVantage: new AlphaVantageClient({ apiKey: 'K', baseUrl: fake.url, timeoutMs: 20_000 }),
    marketDataTtl: { priceSeconds: 0, candlesSeconds: 0, sentimentSeconds: 0 },
  });
});
afterAll(async () => {
  await temporal?.close();
  await db?.drop();
  await fake?.close();
});

it('cancelling a cycle workflow records a failed cycle and the bot cycles on', async () => {
  fake.respondWith('CURRENCY_EXCHANGE_RATE', 'hang');
  const config = resolveBotConfig({ id: 'stuck', symbol: 'BTC/USD', intervalSeconds: 3 }, { marketDataMode: 'live' });
  const bot = await temporal.client.workflow.start<typeof botWorkflow>('botWorkflow', {
    workflowId: 'bot-stuck',
    taskQueue: temporal.taskQueue,
    args: [{ config }],
  });
  const inCycle = await eventually(async () => {
    const s = await bot.query(statusQuery);
    return s.currentCycle ? s.currentCycle : undefined;
  });
  await eventually(() =>
    Promise.resolve(fake.requests.some((r) => r.function === 'CURRENCY_EXCHANGE_RATE') || undefined),
  );

  await temporal.client.workflow.getHandle(inCycle.workflowId).cancel();
  const after = await eventually(async () => {
    const s = await bot.query(statusQuery);
    return s.cyclesFailed >= 1 ? s : undefined;
  });
  expect(after.lastFailure).toMatchObject({ cycle: inCycle.cycle });
  expect((await bot.describe()).status.name).toBe('RUNNING');

  fake.respondWith('CURRENCY_EXCHANGE_RATE', 'ok');
  const next = await eventually(async () => {
    const s = await bot.query(statusQuery);
    return s.cyclesCompleted >= 1 && s.lastCycle && s.lastCycle.cycle > inCycle.cycle ? s : undefined;
  }, 60_000);
  expect(next.lastCycle?.dataSource).toBe('live');
  await bot.terminate('test done');
});
