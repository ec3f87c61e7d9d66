import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { botsContext, type BotsContext } from '../../src/api/bots';
import { startApiServer, type ApiServer } from '../../src/api/server';
import { eventually, useTestWorker } from '../support/harness';

// Who may change what: with API_TOKEN every mutation needs the bearer token (checked before the body is read),
// reads stay open unless protected, and without a token the API refuses to listen beyond loopback. Also the
// bot list and readiness, which an operator (and a load balancer) reads first.

const TOKEN = 'test-token-0123456789abcdef';
const ROOT = path.resolve(__dirname, '..', '..');

// Declared before useTestWorker: afterAll hooks run in declaration order, and these bots must end while the client
// is still connected, or they stay open on the shared Temporal server, in every other file's bot list.
afterAll(async () => {
  await guarded?.stop();
  await readsGuarded?.stop();
  for (const id of ['keeper', 'listed']) {
    await env.temporal?.client.workflow
      .getHandle(`bot-${id}`)
      .terminate('test done')
      .catch(() => undefined);
  }
});
const env = useTestWorker();
let ctx: BotsContext;
let guarded: ApiServer;
let readsGuarded: ApiServer;

beforeAll(async () => {
  const { temporal, db } = env;
  ctx = botsContext({
    client: temporal.client,
    ledger: db.ledger,
    taskQueue: temporal.taskQueue,
    defaultMarketDataMode: 'quicktest',
  });
  guarded = await startApiServer(ctx, '127.0.0.1', 0, { token: TOKEN, protectReads: false });
  readsGuarded = await startApiServer(ctx, '127.0.0.1', 0, { token: TOKEN, protectReads: true });
});

async function send(server: ApiServer, method: string, route: string, auth?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (auth !== undefined) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

describe('with API_TOKEN', () => {
  beforeAll(async () => {
    const created = await send(guarded, 'POST', '/api/bots', `Bearer ${TOKEN}`, {
      id: 'keeper',
      symbol: 'BTC/USD',
      intervalSeconds: 30,
    });
    expect(created.status).toBe(201);
  });

  const mutations: [string, string, unknown][] = [
    ['POST', '/api/bots', { id: 'intruder', symbol: 'BTC/USD' }],
    ['POST', '/api/bots/keeper/stop', undefined],
    ['POST', '/api/bots/keeper/start', undefined],
    ['DELETE', '/api/bots/keeper', undefined],
    ['PATCH', '/api/bots/keeper/config', { intervalSeconds: 1 }],
    ['POST', '/api/no-such-route', { x: 1 }],
  ];
  it.each([
    ['no Authorization header', undefined],
    ['another scheme', `Basic ${TOKEN}`],
    ['a wrong token', 'Bearer wrong-token-0123456789abcdef'],
    ['the token with one more character', `Bearer ${TOKEN}x`],
    ['the token cut short', `Bearer ${TOKEN.slice(0, -1)}`],
    ['an empty bearer', 'Bearer '],
    ['the bare token', TOKEN],
  ])('refuses every mutation with %s: 401, and nothing changes', async (_what, auth) => {
    for (const [method, route, body] of mutations) {
      const res = await send(guarded, method, route, auth, body);
      expect({ route, status: res.status, code: res.body.error?.code }).toEqual({
        route,
        status: 401,
        code: 'unauthorized',
      });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await send(guarded, 'GET', '/api/bots/intruder')).status).toBe(404);
    const keeper = await send(guarded, 'GET', '/api/bots/keeper');
    expect(keeper.body).toMatchObject({ running: true, signals: { stop: 0, start: 0 } });
  });

  it('applies a mutation with the token', async () => {
    const stopped = await send(guarded, 'POST', '/api/bots/keeper/stop', `bearer  ${TOKEN}`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.running).toBe(false);
    await eventually(async () =>
      (await send(guarded, 'GET', '/api/bots/keeper')).body.running === false ? true : undefined,
    );
  });

  it('leaves reads open, unless reads are protected; health and readiness are always open', async () => {
    expect((await send(guarded, 'GET', '/api/bots/keeper')).status).toBe(200);
    expect((await send(readsGuarded, 'GET', '/api/bots/keeper')).status).toBe(401);
    expect((await send(readsGuarded, 'GET', '/api/bots')).status).toBe(401);
    expect((await send(readsGuarded, 'GET', '/api/bots/keeper', `Bearer ${TOKEN}`)).status).toBe(200);
    expect((await send(readsGuarded, 'GET', '/healthz')).status).toBe(200);
    expect((await send(readsGuarded, 'GET', '/readyz')).status).toBe(200);
  });
});

describe('without a token', () => {
  it('refuses to listen beyond loopback, naming API_TOKEN', async () => {
    await expect(startApiServer(ctx, '0.0.0.0', 0)).rejects.toThrow(/API_TOKEN/);
  });

  it('`npm run api` with API_HOST=0.0.0.0 and no token exits 2 naming API_TOKEN, before connecting anywhere', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      API_HOST: '0.0.0.0',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    };
    delete env.API_TOKEN;
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'apiMain.ts')], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('API_TOKEN');
  });
});

describe('list and readiness', () => {
  it('lists the open bots with what each is doing', async () => {
    const open = await startApiServer(ctx, '127.0.0.1', 0);
    try {
      expect(
        (await send(open, 'POST', '/api/bots', undefined, { id: 'listed', symbol: 'ETH/USD', intervalSeconds: 2 }))
          .status,
      ).toBe(201);
      const listed = await eventually(async () => {
        const res = await send(open, 'GET', '/api/bots');
        const bot = (res.body.bots as Record<string, unknown>[]).find((b) => b.id === 'listed');
        return bot?.lastCycle ? bot : undefined;
      });
      expect(listed).toMatchObject({
        workflowId: 'bot-listed',
        symbol: 'ETH/USD',
        strategy: expect.any(String),
        running: true,
        halted: false,
        equity: expect.stringMatching(/^\d+\.\d+$/),
        lastCycle: { cycle: expect.any(Number), dataSource: 'mock', action: expect.any(String) },
      });
      expect((await send(open, 'GET', '/api/bots?limit=1')).body.bots).toHaveLength(1);
      // Prometheus reads the same bot from the ledger and the journal.
      const metrics = await (await fetch(`${open.url}/metrics`)).text();
      expect(metrics).toMatch(/^ooda_cycles_journaled\{bot="listed",source="mock"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^ooda_equity\{bot="listed"\} \d+(\.\d+)?$/m);
      expect(metrics).toMatch(/^ooda_decisions\{bot="listed",action="\w+",risk="[\w-]+"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^ooda_api_process_resident_memory_bytes \d+/m);
      for (const bad of ['limit=0', 'limit=201', 'limit=ten', 'cursor=x']) {
        const res = await send(open, 'GET', `/api/bots?${bad}`);
        expect({ bad, status: res.status, code: res.body.error.code }).toEqual({
          bad,
          status: 400,
          code: 'invalid_request',
        });
      }
    } finally {
      await open.stop();
    }
  });

  it('is ready when Temporal and Postgres answer', async () => {
    const res = await send(guarded, 'GET', '/readyz');
    expect(res).toMatchObject({ status: 200, body: { status: 'ready', checks: { temporal: 'ok', postgres: 'ok' } } });
  });
});
