import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/globalSetup';

// The README's quick start, as a user runs it: `npm start` with no TEMPORAL_ADDRESS and no DATABASE_URL, so the
// app embeds both. Then Ctrl-C (SIGINT to the whole process group, as a terminal sends it), and a restart.

const ROOT = path.resolve(__dirname, '..', '..');
let dataDir: string;
let ports: { api: number; temporal: number; ui: number; pg: number };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ooda-e2e-'));
  chmodSync(dataDir, 0o755);
  ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), pg: await freePort() };
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function npmStart(): Running {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    API_PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    EMBEDDED_POSTGRES_PORT: String(ports.pg),
  };
  for (const name of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'ALPHAVANTAGE_API_KEY', 'MARKET_DATA_MODE']) delete env[name];
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

async function until<T>(
  what: string,
  run: Running,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const api = (p: string) => fetch(`http://127.0.0.1:${ports.api}${p}`);

interface Status {
  running: boolean;
  cyclesCompleted: number;
  portfolio: { cash: string; realizedPnl: string } | null;
}

/** Ctrl-C as a terminal sends it. npm re-raises SIGINT on itself once its child (the app) has exited. */
async function ctrlC(run: Running): Promise<void> {
  process.kill(-run.child.pid!, 'SIGINT');
  const { code, signal } = await run.exited;
  expect(code === 0 || signal === 'SIGINT').toBe(true);
  expect(run.output()).toContain('[ooda-bot] stopped');
  expect(run.output()).not.toContain('while stopping');
}

function leftovers(): string[] {
  return execSync('ps -eo args', { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir));
}

describe('npm start on the embedded defaults', () => {
  it('runs the default bot, reproduces the milestone, stops cleanly on Ctrl-C and resumes on restart', async () => {
    const first = npmStart();
    await until(
      'start-up',
      first,
      () => Promise.resolve(first.output().includes('press Ctrl-C') || undefined),
      240_000,
    );
    expect(first.output()).toContain(`API:         http://127.0.0.1:${ports.api}`);
    expect(first.output()).toContain(`Temporal UI: http://127.0.0.1:${ports.ui}`);
    expect((await api('/healthz')).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);

    const afterTwo = await until('two cycles', first, async () => {
      const s = (await (await api('/api/bots/btc')).json()) as Status;
      return s.cyclesCompleted >= 2 ? s : undefined;
    });
    expect(afterTwo.running).toBe(true);
    const { trades } = (await (await api('/api/bots/btc/trades')).json()) as {
      trades: { side: string; quantity: string; price: string; realizedPnl: string; cashAfter: string }[];
    };
    expect(trades.slice(0, 2)).toMatchObject([
      { side: 'buy', quantity: '0.1', price: '50000', realizedPnl: '0.00', cashAfter: '5000.00' },
      { side: 'sell', quantity: '0.1', price: '52000', realizedPnl: '200.00', cashAfter: '10200.00' },
    ]);

    await ctrlC(first);
    expect(leftovers()).toEqual([]);

    const second = npmStart();
    await until(
      'restart',
      second,
      () => Promise.resolve(second.output().includes('press Ctrl-C') || undefined),
      240_000,
    );
    const resumed = await until('a cycle after the restart', second, async () => {
      const s = (await (await api('/api/bots/btc')).json()) as Status;
      return s.cyclesCompleted > afterTwo.cyclesCompleted ? s : undefined;
    });
    expect(resumed.portfolio).not.toBeNull();
    const again = (await (await api('/api/bots/btc/trades')).json()) as { trades: { clientOrderId: string }[] };
    const ids = again.trades.map((t) => t.clientOrderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 2)).toEqual(['btc:1', 'btc:2']);
    await ctrlC(second);
    expect(leftovers()).toEqual([]);
  }, 600_000);
});
