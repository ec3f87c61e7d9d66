import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeAlphaVantage } from '../support/fakeAlphaVantage';
import { freePort } from '../support/globalSetup';
import { createTestDatabase } from '../support/harness';
import { npmRun, printed, processesMentioning, type Running, stopGroup, until } from '../support/processes';

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
  expect(run.output()).toContain('[ooda-bot] stopped');
  expect(run.output()).not.toContain('while stopping');
  expect(processesMentioning(dataDir)).toEqual([]);
}

describe('npm start', () => {
  it('on the embedded defaults: runs the default bot, reproduces the milestone, stops on Ctrl-C, resumes on restart', async () => {
    const ports = await embeddedPorts();
    const api = (p: string) => fetch(`http://127.0.0.1:${ports.API_PORT}${p}`);
    const env = asEnv({ ...ports, DATA_DIR: dataDir });

    const first = npmRun('start', env);
    await until('start-up', first, printed(first, 'press Ctrl-C'), 240_000);
    expect(first.output()).toContain(`API:         http://127.0.0.1:${ports.API_PORT}`);
    expect(first.output()).toContain(`Temporal UI: http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`);
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

  it('with ALPHAVANTAGE_API_KEY: the default bot trades on live data', async () => {
    const fake = await startFakeAlphaVantage();
    try {
      const ports = await embeddedPorts();
      const run = npmRun(
        'start',
        asEnv({ ...ports, DATA_DIR: dataDir, ALPHAVANTAGE_API_KEY: 'local', ALPHAVANTAGE_BASE_URL: fake.url }),
      );
      await until('start-up', run, printed(run, 'press Ctrl-C'), 240_000);
      expect(run.output()).toContain('default bot "btc" (BTC/USD, live)');
      const s = await until('a live cycle', run, async () => {
        const st = (await (await fetch(`http://127.0.0.1:${ports.API_PORT}/api/bots/btc`)).json()) as Status;
        return st.lastCycle ? st : undefined;
      });
      expect(s.lastCycle?.dataSource).toBe('live');
      expect(fake.requests.map((r) => r.function)).toEqual(
        expect.arrayContaining(['CURRENCY_EXCHANGE_RATE', 'DIGITAL_CURRENCY_DAILY']),
      );
      await ctrlC(run);
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
    expect(worker.output()).toContain('npm run worker needs TEMPORAL_ADDRESS and DATABASE_URL');
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
      const [buy, sell] = await db.broker.fills('prod');
      expect(buy).toMatchObject({ cycle: 1, side: 'buy', quantity: '0.1', price: '50000', cashAfter: '5000.00' });
      // Its price depends on the slot it ran in (a slot reached late is skipped); its cash follows from it.
      expect(sell).toMatchObject({ side: 'sell', quantity: '0.1' });
      expect(Number(sell.cashAfter)).toBeCloseTo(5000 + 0.1 * Number(sell.price), 2);
    } finally {
      if (api) await stopGroup(api, 'SIGTERM');
      await stopGroup(worker, 'SIGTERM');
      await db.drop();
    }
    expect(worker.output()).toContain('[ooda-bot worker] stopped');
    expect(api.output()).toContain('[ooda-bot api] stopped');
    expect(processesMentioning(taskQueue)).toEqual([]);
  }, 600_000);
});
