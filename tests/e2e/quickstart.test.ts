import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startFakeAlphaVantage } from '../support/fakeAlphaVantage';
import { freePort } from '../support/globalSetup';
import { createTestDatabase } from '../support/harness';
import { npmRun, printed, processesMentioning, type Running, said, stopGroup, until } from '../support/processes';

// The program as users run it: `npm start` on the embedded defaults (the README's quick start), `npm start`
// with an Alpha Vantage key, and the production parts `npm run worker` + `npm run api` against given services.
// One file, so these never build dist/ at the same time.

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ooda-e2e-'));
  chmodSync(dataDir, 0o755);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

interface Status {
  running: boolean;
  cyclesCompleted: number;
  portfolio: { cash: string; realizedPnl: string } | null;
  config: { marketDataMode: string };
  lastCycle: { dataSource: string } | null;
}

async function embeddedPorts() {
  return {
    API_PORT: await freePort(),
    TEMPORAL_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
    EMBEDDED_POSTGRES_PORT: await freePort(),
  };
}
const asEnv = (o: Record<string, number | string>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

async function ctrlC(run: Running): Promise<void> {
  await stopGroup(run, 'SIGINT');
  expect(said(run)).toContain('[ooda-bot] stopped');
  expect(said(run)).not.toContain('while stopping');
  expect(processesMentioning(dataDir)).toEqual([]);
}

describe('npm start', () => {
  it('on the embedded defaults: runs the default bot, reproduces the milestone, stops on Ctrl-C, resumes on restart', async () => {
    const ports = await embeddedPorts();
    const api = (p: string) => fetch(`http://127.0.0.1:${ports.API_PORT}${p}`);
    const env = asEnv({ ...ports, DATA_DIR: dataDir });

    const first = npmRun('start', env);
    await until('start-up', first, printed(first, 'press Ctrl-C'), 240_000);
    expect(said(first)).toContain(`API:         http://127.0.0.1:${ports.API_PORT}`);
    expect(said(first)).toContain(`Temporal UI: http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`);
    expect((await api('/healthz')).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`)).status).toBe(200);

    const afterTwo = await until('two cycles', first, async () => {
      const s = (await (await api('/api/bots/btc')).json()) as Status;
      return s.cyclesCompleted >= 2 ? s : undefined;
    });
    expect(afterTwo).toMatchObject({ running: true, config: { marketDataMode: 'quicktest' } });
    const { trades } = (await (await api('/api/bots/btc/trades')).json()) as { trades: unknown[] };
    // Newest first: the milestone is the two oldest.
    expect(trades.reverse().slice(0, 2)).toMatchObject([
      { side: 'buy', quantity: '0.1', price: '50000', realizedPnl: '0.00', cashAfter: '5000.00' },
      { side: 'sell', quantity: '0.1', price: '52000', realizedPnl: '200.00', cashAfter: '10200.00' },
    ]);
    await ctrlC(first);

    const second = npmRun('start', env);
    await until('restart', second, printed(second, 'press Ctrl-C'), 240_000);
    await until('a cycle after the restart', second, async () => {
      const s = (await (await api('/api/bots/btc')).json()) as Status;
      return s.cyclesCompleted > afterTwo.cyclesCompleted ? s : undefined;
    });
    const again = (await (await api('/api/bots/btc/trades')).json()) as { trades: { clientOrderId: string }[] };
    const ids = again.trades.map((t) => t.clientOrderId).reverse();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 2)).toEqual(['btc:1', 'btc:2']);
    await ctrlC(second);
  }, 600_000);

  it('with ALPHAVANTAGE_API_KEY: the default bot trades on live data; no secret reaches a log or a history', async () => {
    const key = 'av-key-SECRET-4f9c2e71';
    const token = 'api-token-SECRET-8b1d5a30c6e2';
    const fake = await startFakeAlphaVantage();
    let run: Running | undefined;
    try {
      const ports = await embeddedPorts();
      run = npmRun(
        'start',
        asEnv({
          ...ports,
          DATA_DIR: dataDir,
          ALPHAVANTAGE_API_KEY: key,
          ALPHAVANTAGE_BASE_URL: fake.url,
          API_TOKEN: token,
          LOG_LEVEL: 'debug',
        }),
      );
      await until('start-up', run, printed(run, 'press Ctrl-C'), 240_000);
      expect(said(run)).toContain('default bot "btc" (BTC/USD, live)');
      const api = `http://127.0.0.1:${ports.API_PORT}`;
      const s = await until('two live cycles', run, async () => {
        const st = (await (await fetch(`${api}/api/bots/btc`)).json()) as Status;
        return st.cyclesCompleted >= 2 && st.lastCycle ? st : undefined;
      });
      // The first cycle fetched live; the next ones may read the price it cached.
      expect(s.lastCycle?.dataSource).toMatch(/^(live|cache)$/);
      const first = (await (await fetch(`${api}/api/bots/btc/cycles/1`)).json()) as { observation: { source: string } };
      expect(first.observation.source).toBe('live');
      expect(fake.requests.map((r) => r.function)).toEqual(
        expect.arrayContaining(['CURRENCY_EXCHANGE_RATE', 'DIGITAL_CURRENCY_DAILY']),
      );
      // The key did reach Alpha Vantage, so a leak below would be a real one.
      expect(fake.requests.some((r) => r.params.apikey === key)).toBe(true);
      // A refused and an accepted mutation, each logged with its request id; the header itself never is.
      const wrong = await fetch(`${api}/api/bots/btc/stop`, {
        method: 'POST',
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrong.status).toBe(401);
      const stop = await fetch(`${api}/api/bots/btc/stop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'e2e-stop-1' },
      });
      expect(stop.status).toBe(200);
      expect(stop.headers.get('x-request-id')).toBe('e2e-stop-1');
      await until('the stop', run, async () => {
        const st = (await (await fetch(`${api}/api/bots/btc`)).json()) as Status & { phase: string };
        return st.phase === 'IDLE' ? true : undefined;
      });

      // Every history the bot wrote: its run and every cycle, inputs, results, memos and search attributes.
      const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
      const histories: string[] = [];
      try {
        const client = new Client({ connection });
        for await (const w of client.workflow.list({ query: "WorkflowId STARTS_WITH 'bot-btc'" })) {
          const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
          histories.push(JSON.stringify(history));
        }
      } finally {
        await connection.close();
      }
      expect(histories.length).toBeGreaterThanOrEqual(3);
      await ctrlC(run);
      const stopped = run;
      run = undefined;

      const output = stopped.output();
      for (const secret of [key, token]) {
        expect(histories.filter((h) => h.includes(secret))).toEqual([]);
        expect(output.includes(secret)).toBe(false);
      }
      // The logs are JSON lines (not a terminal here): the request logs name the request id, and the SDK's lines
      // about the bot's workflows carry its id.
      const lines = output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, any>);
      expect(lines.length).toBeGreaterThan(10);
      const stopLine = lines.find((l) => l.req?.id === 'e2e-stop-1');
      expect(stopLine).toMatchObject({ name: 'ooda-bot', res: { statusCode: 200 } });
      expect(stopLine!.req.headers.authorization).toBe('[redacted]');
      expect(lines.find((l) => l.res?.statusCode === 401)?.req.headers.authorization).toBe('[redacted]');
      expect(
        lines.some((l) => l.component === 'temporal-sdk' && l.botId === 'btc' && typeof l.cycle === 'number'),
      ).toBe(true);
    } finally {
      await fake.close();
    }
  }, 600_000);
});

describe('npm run worker and npm run api against given services', () => {
  it('refuse to start without TEMPORAL_ADDRESS and DATABASE_URL, saying so', async () => {
    const worker = npmRun('worker', {});
    const { code } = await worker.exited;
    expect(code).toBe(2);
    expect(said(worker)).toContain('npm run worker needs TEMPORAL_ADDRESS and DATABASE_URL');
  }, 120_000);

  it('run a bot created through the API, and stop cleanly on SIGTERM', async () => {
    const db = await createTestDatabase();
    const taskQueue = `prod-${path.basename(dataDir)}`;
    const apiPort = await freePort();
    const env = {
      TEMPORAL_ADDRESS: process.env.OODA_TEST_TEMPORAL_ADDRESS!,
      DATABASE_URL: db.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      API_PORT: String(apiPort),
    };
    // One after the other: each script builds dist/ first, and two builds at once would overwrite each other.
    const worker = npmRun('worker', env);
    let api: Running | null = null;
    try {
      await until('the worker', worker, printed(worker, `polling task queue "${taskQueue}"`));
      api = npmRun('api', env);
      await until('the api', api, printed(api, 'listening on'));
      const created = await fetch(`http://127.0.0.1:${apiPort}/api/bots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'prod', symbol: 'BTC/USD', intervalSeconds: 0.3 }),
      });
      expect(created.status).toBe(201);
      await until('two cycles', worker, async () => {
        const s = (await (await fetch(`http://127.0.0.1:${apiPort}/api/bots/prod`)).json()) as Status;
        return s.cyclesCompleted >= 2 ? s : undefined;
      });
      // The ledger, not the cash at some later moment: at 0.3 s a third cycle may already have bought again.
      const [buy, sell] = await db.ledger.fills('prod');
      expect(buy).toMatchObject({ cycle: 1, side: 'buy', quantity: '0.1', price: '50000', cashAfter: '5000.00' });
      // Its price depends on the slot it ran in (a slot reached late is skipped); its cash follows from it.
      expect(sell).toMatchObject({ side: 'sell', quantity: '0.1' });
      expect(Number(sell.cashAfter)).toBeCloseTo(5000 + 0.1 * Number(sell.price), 2);
    } finally {
      if (api) await stopGroup(api, 'SIGTERM');
      await stopGroup(worker, 'SIGTERM');
      await db.drop();
    }
    expect(said(worker)).toContain('[ooda-bot worker] stopped');
    expect(said(api)).toContain('[ooda-bot api] stopped');
    expect(processesMentioning(taskQueue)).toEqual([]);
  }, 600_000);
});
