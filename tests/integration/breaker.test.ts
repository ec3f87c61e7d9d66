import type { WorkflowHandle } from '@temporalio/client';
import { resolveBotConfig } from '../../src/domain/botConfig';
import type { ActivityDeps } from '../../src/activities';
import { AlphaVantageClient } from '../../src/marketdata/alphavantage';
import type { botWorkflow } from '../../src/workflows/bot';
import { type BotStatus, statusQuery } from '../../src/workflows/messages';
import { startFakeAlphaVantage, type FakeAlphaVantage } from '../support/fakeAlphaVantage';
import {
  createTestDatabase,
  eventually,
  startTestWorker,
  type TestDatabase,
  type TestTemporal,
} from '../support/harness';

// The market-data circuit breaker, end to end: it lives in the bot's durable state, so it survives
// continue-as-new and a worker restart, and `status` shows it.

const FUNCTIONS = ['CURRENCY_EXCHANGE_RATE', 'DIGITAL_CURRENCY_DAILY', 'NEWS_SENTIMENT'];
let fake: FakeAlphaVantage;
let db: TestDatabase;
let deps: ActivityDeps;
let temporal: TestTemporal;

beforeAll(async () => {
  fake = await startFakeAlphaVantage();
  db = await createTestDatabase();
  deps = {
    ...db.deps,
    alphaVantage: new AlphaVantageClient({ apiKey: 'K', baseUrl: fake.url, timeoutMs: 500 }),
    marketDataTtl: { priceSeconds: 0, candlesSeconds: 0, sentimentSeconds: 0 },
  };
  temporal = await startTestWorker(deps);
});
afterAll(async () => {
  await temporal?.close();
  await db?.drop();
  await fake?.close();
});

const status = (h: WorkflowHandle) => h.query(statusQuery);
const when = (h: WorkflowHandle, what: string, ok: (s: BotStatus) => boolean) =>
  eventually(
    async () => {
      const s = await status(h);
      return ok(s) ? s : undefined;
    },
    60_000,
    what,
  );

it('opens after consecutive failures, skips live data while open, survives restarts, and a probe closes it', async () => {
  for (const fn of FUNCTIONS) fake.respondWith(fn, 'http-500');
  const config = resolveBotConfig(
    {
      id: 'breaker',
      symbol: 'BTC/USD',
      // Well above the dev server's ~1 s timer lateness, so that no slot is skipped by accident.
      intervalSeconds: 3,
      cyclesPerRun: 2,
      marketDataMaxAttempts: 1,
      breakerThreshold: 2,
      breakerCooldownSeconds: 12,
    },
    { marketDataMode: 'live' },
  );
  let bot: WorkflowHandle = await temporal.client.workflow.start<typeof botWorkflow>('botWorkflow', {
    workflowId: 'bot-breaker',
    taskQueue: temporal.taskQueue,
    args: [{ config }],
  });

  const opened = await when(bot, 'the breaker to open', (s) => s.breaker.state === 'open');
  expect(opened.breaker.consecutiveFailures).toBe(2);
  expect(opened.breaker.lastError).toContain('AlphaVantage.http');
  expect(opened.lastCycle?.dataSource).toMatch(/^(fallback-cache|mock)$/);

  // While open: cycles go on, straight to the fallback, and send no request.
  const requestsWhenOpened = fake.requests.length;
  const later = await when(bot, 'two cycles while open', (s) => s.cyclesCompleted >= opened.cyclesCompleted + 2);
  expect(later.breaker.state).toBe('open');
  expect(later.lastCycle?.perception.liveAttempted).toBe(false);
  expect(fake.requests.length).toBe(requestsWhenOpened);

  // The state is durable: it crosses continue-as-new runs and a worker restart.
  expect(later.runs).toBeGreaterThan(opened.runs - 1);
  await temporal.close();
  temporal = await startTestWorker(deps, temporal.taskQueue);
  bot = temporal.client.workflow.getHandle('bot-breaker');
  const afterRestart = await status(bot);
  // Still tripped, with its count: a state lost in the restart would read closed with 0 failures. A loaded
  // machine may read it after the cooldown (half-open), or after a failed probe (open again, reopening later).
  expect(['open', 'half-open']).toContain(afterRestart.breaker.state);
  expect(afterRestart.breaker.consecutiveFailures).toBeGreaterThanOrEqual(2);
  expect(Date.parse(afterRestart.breaker.reopenAt!)).toBeGreaterThanOrEqual(Date.parse(opened.breaker.reopenAt!));

  // The service recovers; after the cooldown one half-open probe succeeds and closes the breaker.
  for (const fn of FUNCTIONS) fake.respondWith(fn, 'ok');
  const closed = await when(
    bot,
    'the breaker to close',
    (s) => s.breaker.state === 'closed' && s.lastCycle?.dataSource === 'live',
  );
  expect(closed.breaker.consecutiveFailures).toBe(0);
  expect(closed.runs).toBeGreaterThan(opened.runs);
  expect(closed.cyclesFailed).toBe(0);
  await bot.terminate('test done');
});
