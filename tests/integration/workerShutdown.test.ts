import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { resolveBotConfig } from '../../src/domain/botConfig';
import { AlphaVantageClient } from '../../src/marketdata/alphavantage';
import type { botWorkflow } from '../../src/workflows/bot';
import { startFakeAlphaVantage, type FakeAlphaVantage } from '../support/fakeAlphaVantage';
import { createTestDatabase, eventually, startTestWorker, type TestDatabase } from '../support/harness';

// A worker told to stop lets the activities it is running finish within its shutdown grace time (5 s in the
// harness, WORKER_SHUTDOWN_GRACE_SECONDS in production) instead of cancelling them, then its run ends.

let db: TestDatabase;
let fake: FakeAlphaVantage;

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeAlphaVantage();
});
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

it('finishes an Alpha Vantage request in flight when it shuts down', async () => {
  const alphaVantage = new AlphaVantageClient({ apiKey: 'local', baseUrl: fake.url, timeoutMs: 10_000 });
  const worker = await startTestWorker({ ...db.deps, alphaVantage });
  fake.queue('CURRENCY_EXCHANGE_RATE', { delayMs: 2500 });
  const config = resolveBotConfig(
    { id: 'graceful', symbol: 'BTC/USD', intervalSeconds: 30, marketDataMode: 'live' },
    { marketDataMode: 'live' },
  );
  const bot = await worker.client.workflow.start<typeof botWorkflow>('botWorkflow', {
    workflowId: 'bot-graceful',
    taskQueue: worker.taskQueue,
    args: [{ config }],
  });
  await eventually(() =>
    Promise.resolve(fake.requests.some((r) => r.function === 'CURRENCY_EXCHANGE_RATE') ? true : undefined),
  );
  const started = Date.now();
  await worker.close();
  const tookMs = Date.now() - started;
  // It waited for the slow answer (2.5 s) rather than cutting the request, and no longer than its grace.
  expect(tookMs).toBeGreaterThan(1500);
  expect(tookMs).toBeLessThan(9000);
  // The worker's own client closed with it.
  const connection = await Connection.connect({ address: process.env.OODA_TEST_TEMPORAL_ADDRESS! });
  const client = new Client({ connection });
  const history = await client.workflow.getHandle('bot-graceful-cycle-1').fetchHistory();
  const E = proto.api.enums.v1.EventType;
  const fetches = (history.events ?? []).filter(
    (e) =>
      e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchMarketData',
  );
  const completed = (history.events ?? []).filter((e) => e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
  const firstFetch = fetches[0]?.eventId;
  expect(
    completed.some((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(firstFetch)),
  ).toBe(true);
  await client.workflow.getHandle(bot.workflowId).terminate();
  await connection.close();
});
