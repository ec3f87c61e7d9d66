import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { botsContext } from '../../src/api/bots';
import { startApiServer, type ApiServer } from '../../src/api/server';
import { postgresLedger } from '../../src/ledger';
import { tradableBotConfig } from '../../src/trading/botConfigCheck';
import { RISK_RULES } from '../../src/trading/risk';
import { apiCaller } from '../support/apiCall';
import {
  createTestDatabase,
  eventually,
  startTestWorker,
  type TestDatabase,
  type TestTemporal,
} from '../support/harness';

// The control API over real HTTP, against a real Temporal server, worker and Postgres.

let db: TestDatabase;
let temporal: TestTemporal;
let api: ApiServer;

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await startTestWorker(db.deps);
  api = await startApiServer(
    botsContext({
      client: temporal.client,
      ledger: db.ledger,
      taskQueue: temporal.taskQueue,
      defaultMarketDataMode: 'quicktest',
    }),
    '127.0.0.1',
    0,
  );
});
afterAll(async () => {
  await api?.stop();
  await temporal?.close();
  await db?.drop();
});

const call = apiCaller(() => api.url);

describe('control API', () => {
  it('answers health', async () => {
    expect(await call('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it.each([
    ['malformed JSON', undefined, '{"id": "x",', 'invalid_json'],
    ['no id', { symbol: 'BTC/USD' }, undefined, 'invalid_request'],
    ['a bad symbol', { id: 'x', symbol: 'bitcoin' }, undefined, 'invalid_request'],
    ['a bad id', { id: 'Not OK!', symbol: 'BTC/USD' }, undefined, 'invalid_request'],
    ['an unknown field', { id: 'x', symbol: 'BTC/USD', leverage: 100 }, undefined, 'invalid_request'],
    ['a negative interval', { id: 'x', symbol: 'BTC/USD', intervalSeconds: -1 }, undefined, 'invalid_request'],
    [
      'an unknown strategy',
      { id: 'x', symbol: 'BTC/USD', strategy: { name: 'moon', params: {} } },
      undefined,
      'invalid_config',
    ],
    ['an unknown risk limit', { id: 'x', symbol: 'BTC/USD', risk: { yolo: 1 } }, undefined, 'invalid_config'],
    ['a body that is not an object', [1, 2], undefined, 'invalid_request'],
    ['an id that names a cycle workflow', { id: 'a-cycle-5', symbol: 'BTC/USD' }, undefined, 'invalid_request'],
    [
      'cash the ledger cannot hold',
      { id: 'x', symbol: 'BTC/USD', startingCash: '1' + '0'.repeat(21) },
      undefined,
      'invalid_request',
    ],
    [
      'cash with 9 decimals',
      { id: 'x', symbol: 'BTC/USD', startingCash: '100.123456789' },
      undefined,
      'invalid_request',
    ],
    ['zero cash', { id: 'x', symbol: 'BTC/USD', startingCash: '0.00' }, undefined, 'invalid_request'],
  ])('refuses %s with 400 and says why', async (_what, body, raw, code) => {
    const res = await call('POST', '/api/bots', body, raw);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.message.length).toBeGreaterThan(5);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await call(
      'POST',
      '/api/bots',
      undefined,
      JSON.stringify({ id: 'x', symbol: 'BTC/USD', pad: 'x'.repeat(20_000) }),
    );
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBeDefined();
  });

  it('creates a bot, shows its status, stops and starts it, and lists its trades', async () => {
    // 3 s: the bot skips a slot it reaches more than half an interval late, and the dev server's timers may fire
    // up to a second late; cycles 1 and 2 must both run (the quicktest milestone) for the trades below.
    const created = await call('POST', '/api/bots', { id: 'api1', symbol: 'BTC/USD', intervalSeconds: 3 });
    expect(created).toMatchObject({
      status: 201,
      body: { id: 'api1', workflowId: 'bot-api1', config: { cyclesPerRun: 100 } },
    });
    expect((await call('POST', '/api/bots', { id: 'api1', symbol: 'BTC/USD' })).status).toBe(409);

    const status = await eventually(async () => {
      const res = await call('GET', '/api/bots/api1');
      return res.body.cyclesCompleted >= 2 ? res.body : undefined;
    });
    expect(status.running).toBe(true);
    expect(['IDLE', 'PERCEPTION', 'REASONING', 'RISK_CHECK', 'EXECUTION', 'LEARNING']).toContain(status.phase);
    for (const field of ['cash', 'equity', 'realizedPnl']) expect(status.portfolio[field]).toMatch(/^-?\d+\.\d{2,8}$/);
    expect(status.lastCycle.dataSource).toBe('mock');
    expect(status.learned.stats.trades).toBeGreaterThanOrEqual(1);
    expect(status.learned.sizing.explanation).toEqual(expect.any(String));

    expect(Object.keys(status.learned).sort()).toEqual(['sizing', 'stats']);
    expect(status.slotsSkipped).toEqual(expect.any(Number));

    // Per-strategy statistics come from the bot's stored accumulator, as of the last cycle it folded in.
    const stats = await call('GET', '/api/bots/api1/stats');
    expect(stats.status).toBe(200);
    expect(Object.keys(stats.body).sort()).toEqual(['cyclesCompleted', 'learned']);
    expect(Object.keys(stats.body.learned).sort()).toEqual(['asOfCycle', 'sizing', 'stats', 'statsByStrategy']);
    expect(stats.body.learned.statsByStrategy.quicktest).toBeDefined();
    expect(stats.body.learned.asOfCycle).toBeGreaterThanOrEqual(2);
    expect(stats.body.learned.stats.trades).toBeGreaterThanOrEqual(1);
    const stored = await db.ledger.statistics('api1');
    expect(stored!.lastCycle).toBeGreaterThanOrEqual(stats.body.learned.asOfCycle);

    // start and stop are Workflow Updates: the answer is the new status, at once.
    const stopAnswer = await call('POST', '/api/bots/api1/stop');
    expect(stopAnswer).toMatchObject({ status: 200, body: { botId: 'api1', running: false, archived: false } });
    const stopped = await eventually(async () => {
      const res = await call('GET', '/api/bots/api1');
      return res.body.running === false && res.body.currentCycle === null ? res.body : undefined;
    });
    await new Promise((r) => setTimeout(r, 3500));
    expect((await call('GET', '/api/bots/api1')).body.cyclesCompleted).toBe(stopped.cyclesCompleted);
    const startAnswer = await call('POST', '/api/bots/api1/start');
    expect(startAnswer).toMatchObject({ status: 200, body: { running: true } });
    expect(startAnswer.body.signals.start).toBe(stopAnswer.body.signals.start + 1);
    await eventually(async () => {
      const res = await call('GET', '/api/bots/api1');
      return res.body.cyclesCompleted > stopped.cyclesCompleted ? true : undefined;
    });

    const { body } = await call('GET', '/api/bots/api1/trades');
    expect(body.trades.length).toBeGreaterThanOrEqual(2);
    // Newest first; the first fill is trade api1:1.
    const oldest = [...body.trades].reverse();
    expect(oldest[0]).toEqual({
      tradeId: 'api1:1',
      clientOrderId: 'api1:1',
      botId: 'api1',
      cycle: 1,
      symbol: 'BTC/USD',
      side: 'buy',
      quantity: '0.1',
      price: '50000',
      fee: '0.00',
      realizedPnl: '0.00',
      cashAfter: '5000.00',
      filledAt: expect.stringMatching(/Z$/),
    });
    expect(oldest[1]).toMatchObject({
      tradeId: 'api1:2',
      clientOrderId: 'api1:2',
      side: 'sell',
      realizedPnl: '200.00',
    });
    const cycles = body.trades.map((t: { cycle: number }) => t.cycle);
    expect(cycles).toEqual([...cycles].sort((a: number, b: number) => b - a));

    // Pages of one: the cursors walk every trade exactly once, newest to oldest, then stop.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `/api/bots/api1/trades?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...page.body.trades.map((t: { tradeId: string }) => t.tradeId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(body.trades.map((t: { tradeId: string }) => t.tradeId));

    // Why it traded: the cycle that bought, in one call, with the Temporal UI link.
    const why = await call('GET', '/api/bots/api1/cycles/1');
    expect(why.status).toBe(200);
    expect(why.body).toMatchObject({
      botId: 'api1',
      cycle: 1,
      workflowId: 'bot-api1-cycle-1',
      temporalUi: 'http://127.0.0.1:8233/namespaces/default/workflows/bot-api1-cycle-1',
      observation: { source: 'mock', price: '50000' },
      decision: { action: 'buy', strategy: 'quicktest', rationale: expect.any(String) },
      risk: { approved: true, rule: expect.any(String) },
      fill: { clientOrderId: 'api1:1', side: 'buy', quantity: '0.1', price: '50000' },
      effect: { cash: { before: null, after: '5000.00' } },
    });
    expect(why.body.summary).toMatch(/^Cycle 1: quicktest said BUY .* bought 0\.1 BTC\/USD at 50000/);
    // Every risk rule's verdict, in the order the gatekeeper ran them.
    expect(why.body.risk.rules.map((r: { rule: string }) => r.rule)).toEqual(RISK_RULES.map((r) => r.name));
    expect(why.body.risk.rules.every((r: { outcome: string }) => r.outcome === 'passed')).toBe(true);
    const sold = await call('GET', '/api/trades/api1:2');
    expect(sold.body).toMatchObject({
      tradeId: 'api1:2',
      cycle: 2,
      fill: { side: 'sell', realizedPnl: '200.00' },
      effect: { cash: { before: '5000.00', after: '10200.00' }, realizedPnl: { before: '0.00', after: '200.00' } },
    });
    const journaled = await call('GET', '/api/bots/api1/cycles?limit=2');
    expect(journaled.body.cycles).toHaveLength(2);
    expect(journaled.body.cycles[0].cycle).toBeGreaterThan(journaled.body.cycles[1].cycle);
    expect(journaled.body.cycles[0].explain).toBe(`/api/bots/api1/cycles/${journaled.body.cycles[0].cycle}`);
    expect(journaled.body.nextCursor).toEqual(expect.any(String));
    const equity = await call('GET', '/api/bots/api1/equity');
    expect(equity.body.points[0]).toMatchObject({ cycle: 1, equity: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect(equity.body.points.length).toBeGreaterThanOrEqual(2);
    await temporal.client.workflow.getHandle('bot-api1').terminate('test done');

    // The stats answer comes from the stored accumulator, not the workflow: without one there is nothing learned.
    await db.pool.query('DELETE FROM bot_learning WHERE bot_id = $1', ['api1']);
    const none = await call('GET', '/api/bots/api1/stats');
    expect(none.status).toBe(200);
    expect(none.body.learned).toBeNull();
    expect(none.body.cyclesCompleted).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['GET', '/api/bots/nobody'],
    ['GET', '/api/bots/nobody/trades'],
    ['GET', '/api/bots/nobody/stats'],
    ['GET', '/api/bots/nobody/cycles'],
    ['GET', '/api/bots/nobody/cycles/1'],
    ['GET', '/api/bots/nobody/equity'],
    ['GET', '/api/trades/nobody:1'],
    ['POST', '/api/bots/nobody/stop'],
    ['POST', '/api/bots/nobody/start'],
    ['DELETE', '/api/bots/nobody'],
    ['GET', '/api/nothing-here'],
  ])('%s %s is a 404 with a JSON error', async (method, path) => {
    const res = await call(method, path);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it.each([
    ['/api/bots/api1/cycles/0', 'invalid_cycle'],
    ['/api/bots/api1/cycles/1.5', 'invalid_cycle'],
    ['/api/bots/api1/cycles/-3', 'invalid_cycle'],
    ['/api/bots/api1/cycles/99999999999', 'invalid_cycle'],
    ['/api/bots/api1/cycles?limit=0', 'invalid_request'],
    ['/api/bots/api1/cycles?limit=1000', 'invalid_request'],
    ['/api/bots/api1/trades?cursor=garbage', 'invalid_cursor'],
    ['/api/bots/api1/trades?cursor=eyJiZWZvcmUiOi0xfQ', 'invalid_cursor'],
    ['/api/bots/api1/trades?sort=asc', 'invalid_request'],
    ['/api/bots/api1/equity?limit=x', 'invalid_request'],
    ['/api/trades/api1', 'invalid_trade_id'],
    ['/api/trades/api1:0', 'invalid_trade_id'],
    ['/api/trades/BAD%20ID:1', 'invalid_trade_id'],
  ])('GET %s is a 400 %s', async (path, code) => {
    const res = await call('GET', path);
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code });
  });

  it('changes a config through a Workflow Update; a bad change is refused before it enters history', async () => {
    expect((await call('POST', '/api/bots', { id: 'tuner', symbol: 'BTC/USD', intervalSeconds: 600 })).status).toBe(
      201,
    );
    await eventually(async () => ((await call('GET', '/api/bots/tuner')).body.cyclesCompleted >= 1 ? true : undefined));
    const changed = await call('PATCH', '/api/bots/tuner/config', { intervalSeconds: 1, cyclesPerRun: 50 });
    expect(changed.status).toBe(200);
    expect(changed.body.config).toMatchObject({ id: 'tuner', intervalSeconds: 1, cyclesPerRun: 50 });
    // At 600 s the second cycle would be ten minutes away: the new interval applies at once.
    await eventually(async () => ((await call('GET', '/api/bots/tuner')).body.cyclesCompleted >= 3 ? true : undefined));

    const bad: [unknown, string][] = [
      [{ symbol: 'ETH/USD' }, 'symbol'],
      [{ startingCash: '5.00' }, 'startingCash'],
      [{ intervalSeconds: -1 }, 'intervalSeconds'],
      [{ intervalSeconds: 'fast' }, 'intervalSeconds'],
      [{ strategy: { name: 'moon', params: {} } }, 'moon'],
      [{ risk: { yolo: 1 } }, 'yolo'],
      [{}, 'no field'],
      [[1, 2], 'change'],
    ];
    for (const [change, named] of bad) {
      const res = await call('PATCH', '/api/bots/tuner/config', change);
      expect({ change, status: res.status, code: res.body.error?.code }).toEqual({
        change,
        status: 400,
        code: 'invalid_config',
      });
      expect(res.body.error.message).toContain(named);
    }
    const after = await call('GET', '/api/bots/tuner');
    expect(after.body.config).toMatchObject({ intervalSeconds: 1, cyclesPerRun: 50, symbol: 'BTC/USD' });
    // Only the accepted change is in history: the validator refused the others before they were written.
    const events = (await temporal.client.workflow.getHandle('bot-tuner').fetchHistory()).events ?? [];
    const accepted = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted).toHaveLength(1);
    expect((await call('PATCH', '/api/bots/nobody/config', { intervalSeconds: 5 })).status).toBe(404);
    expect((await call('PATCH', '/api/bots/tuner/config', undefined, '{"intervalSeconds":')).body.error.code).toBe(
      'invalid_json',
    );
    await temporal.client.workflow.getHandle('bot-tuner').terminate('test done');
  });

  it('archives a bot: DELETE stops it, its workflow completes, its ledger stays; search attributes follow its state', async () => {
    expect((await call('POST', '/api/bots', { id: 'retiree', symbol: 'BTC/USD', intervalSeconds: 1 })).status).toBe(
      201,
    );
    await eventually(async () =>
      (await call('GET', '/api/bots/retiree')).body.cyclesCompleted >= 2 ? true : undefined,
    );
    const handle = temporal.client.workflow.getHandle('bot-retiree');
    const attributes = async () => {
      const { searchAttributes } = await handle.describe();
      return Object.fromEntries(Object.entries(searchAttributes).map(([k, v]) => [k, (v as unknown[])[0]]));
    };
    expect(await attributes()).toMatchObject({
      BotId: 'retiree',
      Symbol: 'BTC/USD',
      Strategy: 'quicktest',
      BotState: 'running',
    });
    // Operators filter bots by them: the CLI's and the UI's list query.
    await eventually(async () => {
      const found: string[] = [];
      for await (const w of temporal.client.workflow.list({ query: "BotId = 'retiree' AND BotState = 'running'" })) {
        found.push(w.workflowId);
      }
      return found.includes('bot-retiree') ? true : undefined;
    });
    expect((await call('POST', '/api/bots/retiree/stop')).status).toBe(200);
    await eventually(async () => ((await attributes()).BotState === 'stopped' ? true : undefined));
    expect((await call('POST', '/api/bots/retiree/start', { reason: 'x' })).status).toBe(200);
    await eventually(async () => ((await attributes()).BotState === 'running' ? true : undefined));

    const archived = await call('DELETE', '/api/bots/retiree');
    expect(archived).toMatchObject({
      status: 200,
      body: { id: 'retiree', archived: true, status: { archived: true, running: false, phase: 'IDLE' } },
    });
    await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));
    expect((await attributes()).BotState).toBe('archived');
    const cycles = archived.body.status.cyclesCompleted;
    expect(cycles).toBeGreaterThanOrEqual(2);
    // Archived: no longer listed, never started or stopped again; its ledger and explanations stay.
    expect((await call('GET', '/api/bots')).body.bots.map((b: { id: string }) => b.id)).not.toContain('retiree');
    expect(await call('POST', '/api/bots/retiree/start')).toMatchObject({
      status: 409,
      body: { error: { code: 'bot_archived' } },
    });
    expect(await call('PATCH', '/api/bots/retiree/config', { cyclesPerRun: 50 })).toMatchObject({
      status: 409,
      body: { error: { code: 'bot_archived' } },
    });
    expect(await call('DELETE', '/api/bots/retiree')).toMatchObject({ status: 200, body: { archived: true } });
    expect((await call('GET', '/api/bots/retiree/cycles')).body.cycles.length).toBe(cycles);
    expect((await call('GET', '/api/bots/retiree/cycles/1')).status).toBe(200);
    expect(await db.ledger.account('retiree')).toMatchObject({ symbol: 'BTC/USD' });
    // Created again, it resumes its ledger and its cycle numbering.
    expect((await call('POST', '/api/bots', { id: 'retiree', symbol: 'BTC/USD', intervalSeconds: 60 })).status).toBe(
      201,
    );
    await eventually(async () => {
      const b = (await call('GET', '/api/bots/retiree')).body;
      return b.cyclesCompleted > cycles ? b : undefined;
    });
    await handle.terminate('test done');
  });

  it('sends stop as a signal when no worker applies the update in time: 202, and the stop is in history', async () => {
    // A bot on a task queue no worker polls: its update cannot be applied, its signal is still recorded.
    const config = tradableBotConfig({ id: 'orphan', symbol: 'BTC/USD', intervalSeconds: 60 }, 'quicktest');
    const handle = await temporal.client.workflow.start('botWorkflow', {
      workflowId: 'bot-orphan',
      taskQueue: 'no-worker-polls-this',
      args: [{ config }],
    });
    const res = await call('POST', '/api/bots/orphan/stop');
    expect(res).toMatchObject({ status: 202, body: { id: 'orphan', applied: false, signal: 'stop' } });
    expect(res.body.note).toMatch(/signal/);
    const events = (await handle.fetchHistory()).events ?? [];
    const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes);
    expect(signals.map((e) => e.workflowExecutionSignaledEventAttributes!.signalName)).toEqual(['stop']);
    await handle.terminate('test done');
  });

  it('refuses start, stop and archive with arguments they cannot take, before anything enters history', async () => {
    expect((await call('POST', '/api/bots', { id: 'picky', symbol: 'BTC/USD', intervalSeconds: 600 })).status).toBe(
      201,
    );
    await eventually(async () => ((await call('GET', '/api/bots/picky')).body.cyclesCompleted >= 1 ? true : undefined));
    const handle = temporal.client.workflow.getHandle('bot-picky');
    const refusal = (name: string, args: [unknown, ...unknown[]]) =>
      handle.executeUpdate(name, { args }).then(
        () => 'accepted',
        (err: Error) => `${err.message}: ${(err.cause as Error | undefined)?.message}`,
      );
    for (const name of ['start', 'stop', 'archive']) {
      expect(await refusal(name, [{ reason: 7 }])).toMatch(/^Workflow Update failed: reason must be a string/);
      expect(await refusal(name, [1, 2])).toMatch(/^Workflow Update failed: expected at most one argument/);
    }
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(0);
    expect((await call('GET', '/api/bots/picky')).body).toMatchObject({ running: true, archived: false });
    await handle.terminate('test done');
  });

  it.each([
    ['PUT', '/api/bots/api1'],
    ['DELETE', '/healthz'],
    ['POST', '/api/bots/api1/trades'],
    ['PATCH', '/api/bots/api1'],
    ['GET', '/api/bots/api1/config'],
  ])('a wrong method (%s %s) is a 4xx JSON error, never a 5xx', async (method, path) => {
    const res = await fetch(`${api.url}${path}`, { method });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String));
  });

  it('an invalid bot id in the path is a 400', async () => {
    const res = await call('GET', '/api/bots/NOT%20OK');
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_bot_id' } } });
  });

  it('re-creating a bot resumes its account only for the same market and cash, else 409 and nothing changes', async () => {
    expect((await call('POST', '/api/bots', { id: 'phoenix', symbol: 'BTC/USD', intervalSeconds: 60 })).status).toBe(
      201,
    );
    await eventually(async () => ((await db.ledger.account('phoenix')) ? true : undefined));
    await temporal.client.workflow.getHandle('bot-phoenix').terminate('operator removed it');

    const otherMarket = await call('POST', '/api/bots', { id: 'phoenix', symbol: 'ETH/USD' });
    expect(otherMarket).toMatchObject({
      status: 409,
      body: { error: { code: 'account_exists', details: { symbol: 'BTC/USD' } } },
    });
    const otherCash = await call('POST', '/api/bots', { id: 'phoenix', symbol: 'BTC/USD', startingCash: '50000.00' });
    expect(otherCash).toMatchObject({ status: 409, body: { error: { code: 'account_exists' } } });
    expect((await temporal.client.workflow.getHandle('bot-phoenix').describe()).status.name).toBe('TERMINATED');

    expect((await call('POST', '/api/bots', { id: 'phoenix', symbol: 'BTC/USD', intervalSeconds: 60 })).status).toBe(
      201,
    );
    await temporal.client.workflow.getHandle('bot-phoenix').terminate('test done');
  });

  it('answers 503 naming the dependency when Temporal or Postgres is down', async () => {
    const deadPool = new Pool({
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      connectionTimeoutMillis: 2000,
    });
    const deadClient = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const down = await startApiServer(
      botsContext({
        client: deadClient,
        ledger: postgresLedger(deadPool),
        taskQueue: 'none',
        defaultMarketDataMode: 'quicktest',
      }),
      '127.0.0.1',
      0,
    );
    try {
      const status = await fetch(`${down.url}/api/bots/api1`);
      expect(status.status).toBe(503);
      expect(((await status.json()) as any).error.code).toBe('temporal_unavailable');
      const trades = await fetch(`${down.url}/api/bots/api1/trades`);
      expect(trades.status).toBe(503);
      expect(((await trades.json()) as any).error.code).toBe('database_unavailable');
      const ready = await fetch(`${down.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('not_ready');
      expect(body.checks.temporal).not.toBe('ok');
      expect(body.checks.postgres).not.toBe('ok');
    } finally {
      await down.stop();
      await deadClient.connection.close();
      await deadPool.end();
    }
  });
});
