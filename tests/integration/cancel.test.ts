import { botsContext } from '../../src/api/bots';
import { startApiServer, type ApiServer } from '../../src/api/server';
import { resolveBotConfig } from '../../src/domain/botConfig';
import { AlphaVantageClient } from '../../src/marketdata/alphavantage';
import type { botWorkflow } from '../../src/workflows/bot';
import { statusQuery } from '../../src/workflows/messages';
import { apiCaller } from '../support/apiCall';
import { startFakeAlphaVantage, type FakeAlphaVantage } from '../support/fakeAlphaVantage';
import {
  createTestDatabase,
  eventually,
  startTestWorker,
  type TestDatabase,
  type TestTemporal,
} from '../support/harness';

// An operator acts on a cycle in flight: cancelling a stuck cycle workflow from the UI or CLI fails the cycle, never
// the bot; archiving the bot through the API waits for the cycle, the request does not.

let fake: FakeAlphaVantage;
let db: TestDatabase;
let temporal: TestTemporal;
let api: ApiServer;
const call = apiCaller(() => api.url);

beforeAll(async () => {
  fake = await startFakeAlphaVantage();
  db = await createTestDatabase();
  temporal = await startTestWorker({
    ...db.deps,
    // A long client timeout and a hanging service: the cycle sits in perception until someone acts.
    alphaVantage: new AlphaVantageClient({ apiKey: 'K', baseUrl: fake.url, timeoutMs: 20_000 }),
    marketDataTtl: { priceSeconds: 0, candlesSeconds: 0, sentimentSeconds: 0 },
  });
  api = await startApiServer(
    botsContext({
      client: temporal.client,
      ledger: db.ledger,
      taskQueue: temporal.taskQueue,
      defaultMarketDataMode: 'live',
    }),
    '127.0.0.1',
    0,
  );
});
// Closing a cycle does not stop its activities (they do not heartbeat): one the worker started just before an
// earlier test closed its bot may send its price request only now, behind the fetch lock or a busy machine, and take
// this test's queued slow answer (a CI run saw that: slowpoke read IDLE, its own request not yet sent).
beforeEach(() => eventually(() => Promise.resolve(temporal.activitiesInFlight() === 0 || undefined), 40_000));
afterAll(async () => {
  await api?.stop();
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
  // The parent's close reaches its cycle in flight a moment later: until it does, that cycle may still ask for a
  // price and take the next test's queued slow answer.
  const history = await bot.fetchHistory();
  const cycles = (history.events ?? []).flatMap((e) => {
    const id = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
    return id ? [temporal.client.workflow.getHandle(id)] : [];
  });
  expect(cycles.length).toBeGreaterThan(1);
  await eventually(async () => {
    const open = await Promise.all(
      cycles.map((c) =>
        c.describe().then(
          (d) => d.status.name === 'RUNNING',
          () => false,
        ),
      ),
    );
    return open.includes(true) ? undefined : true;
  });
});

it('answers 202 to an archive that waits on a slow cycle, then archives the bot when that cycle completes', async () => {
  // The first price quote takes 9 s, longer than the API waits for an archive (4 s).
  fake.queue('CURRENCY_EXCHANGE_RATE', { delayMs: 9_000 });
  const seen = fake.requests.length;
  expect((await call('POST', '/api/bots', { id: 'slowpoke', symbol: 'BTC/USD', intervalSeconds: 60 })).status).toBe(
    201,
  );
  await eventually(() =>
    Promise.resolve(fake.requests.slice(seen).some((r) => r.function === 'CURRENCY_EXCHANGE_RATE') || undefined),
  );
  // That request is slowpoke's own: its first cycle is in perception, waiting on the slow quote.
  expect((await call('GET', '/api/bots/slowpoke')).body).toMatchObject({ phase: 'PERCEPTION' });

  const asked = Date.now();
  const answer = await call('DELETE', '/api/bots/slowpoke');
  expect(answer).toMatchObject({ status: 202, body: { id: 'slowpoke', archived: false, status: null } });
  expect(Date.now() - asked).toBeLessThan(9_000);
  // The API gave up on the update's outcome: it no longer polls for it (a poll left behind outlives the request).
  expect(temporal.callsInFlight().filter((m) => m.endsWith('/PollWorkflowExecutionUpdate'))).toEqual([]);

  const handle = temporal.client.workflow.getHandle('bot-slowpoke');
  await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined), 30_000);
  // The cycle in flight was not cut short: it completed and is on record, and the bot is archived.
  const bot = (await call('GET', '/api/bots/slowpoke')).body;
  expect(bot).toMatchObject({ archived: true, running: false, cyclesCompleted: 1 });
  expect(await call('DELETE', '/api/bots/slowpoke')).toMatchObject({ status: 200, body: { archived: true } });
});
