import { writeFileSync } from 'node:fs';
import { botsContext } from '../../src/api/bots';
import { startApiServer, type ApiServer } from '../../src/api/server';
import type { JournalRow } from '../../src/ledger/journalReads';
import { resolveBotConfig } from '../../src/domain/botConfig';
import { formatMoney } from '../../src/domain/money';
import type { Fill } from '../../src/domain/types';
import { engineConfigOf, replayObservations, type ReplayRun } from '../../src/engine';
import { figuresOf } from '../../src/trading/learning';
import { httpApi, runWhatIfCli } from '../../src/whatif/cli';
import { journalObservations } from '../../src/whatif/whatIf';
import type { botWorkflow } from '../../src/workflows/bot';
import { statusQuery, stopSignal } from '../../src/workflows/messages';
import { eventually, useTestWorker } from '../support/harness';

// One engine for three uses: a quicktest bot runs real cycles (dev server, worker, Postgres); its journaled
// observations are then replayed through the backtest's engine, and through the what-if API and CLI, and must give
// the same decisions, verdicts, fills and statistics as the live path journaled.

const parts = useTestWorker();
const config = resolveBotConfig({ id: 'rec', symbol: 'BTC/USD', intervalSeconds: 2 }, { marketDataMode: 'quicktest' });
const CYCLES = 7;
let api: ApiServer;
let rows: JournalRow[];
let replay: ReplayRun;

beforeAll(async () => {
  const handle = await parts.temporal.client.workflow.start<typeof botWorkflow>('botWorkflow', {
    workflowId: 'bot-rec',
    taskQueue: parts.temporal.taskQueue,
    args: [{ config }],
  });
  await eventually(
    async () => ((await handle.query(statusQuery)).cyclesCompleted >= CYCLES ? true : undefined),
    60_000,
    `${CYCLES} cycles`,
  );
  await handle.signal(stopSignal);
  await eventually(
    async () => {
      const s = await handle.query(statusQuery);
      return !s.running && s.phase === 'IDLE' ? true : undefined;
    },
    30_000,
    'the bot stopped with no cycle in flight',
  );
  rows = await parts.db.ledger.cycleRange('rec', 1, 1_000_000);
  replay = replayObservations(journalObservations(rows, 1), engineConfigOf(config), config.startingCash);
  api = await startApiServer(
    botsContext({
      client: parts.temporal.client,
      ledger: parts.db.ledger,
      taskQueue: parts.temporal.taskQueue,
      defaultMarketDataMode: 'quicktest',
    }),
    '127.0.0.1',
    0,
  );
}, 120_000);
afterAll(async () => {
  await api?.stop();
});

const withoutTime = ({ filledAt: _at, ...fill }: Fill) => fill;

describe('the live path and the backtest engine on the same observations', () => {
  it('decide the same and are judged the same, cycle by cycle', () => {
    expect(rows.length).toBeGreaterThanOrEqual(CYCLES);
    expect(replay.cycles.map((c) => ({ cycle: c.cycle, decision: c.decision, verdict: c.verdict }))).toEqual(
      rows.map((r) => ({ cycle: r.cycle, decision: r.decision, verdict: r.verdict })),
    );
  });

  it('book the same fills and leave the same equity after every cycle', async () => {
    const live = await parts.db.ledger.fills('rec');
    expect(live.length).toBeGreaterThanOrEqual(CYCLES - 1);
    expect(replay.cycles.flatMap((c) => (c.fill ? [withoutTime(c.fill)] : []))).toEqual(live.map(withoutTime));
    expect(replay.cycles.map((c) => formatMoney(c.equity))).toEqual(rows.map((r) => formatMoney(r.equity)));
  });

  it('learn the same statistics and the same adaptive sizing', async () => {
    const acc = await parts.db.ledger.statistics('rec');
    const last = rows[rows.length - 1];
    const portfolio = await parts.db.ledger.portfolio('rec', last.price);
    expect(figuresOf(acc!, { position: portfolio.position, markPrice: last.price })).toEqual(replay.learned);
  });
});

describe('what-if on the recorded cycles', () => {
  async function whatIf(id: string, body: unknown) {
    const res = await fetch(`${api.url}/api/bots/${id}/whatif`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  }

  async function ledgerCounts() {
    const { rows: counts } = await parts.db.pool.query(
      `SELECT (SELECT count(*) FROM fills) AS fills, (SELECT count(*) FROM orders) AS orders,
              (SELECT count(*) FROM cycle_journal) AS journal, (SELECT max(updated_at) FROM bot_learning) AS learned,
              (SELECT cash FROM accounts WHERE bot_id = 'rec') AS cash`,
    );
    return counts[0] as Record<string, unknown>;
  }

  it("with the bot's own strategy gives what the bot did", async () => {
    const res = await whatIf('rec', { strategy: 'quicktest' });
    expect(res.status).toBe(200);
    const report = JSON.parse(res.text) as Record<string, any>;
    expect(report.range).toEqual({ from: rows[0].cycle, to: rows[rows.length - 1].cycle, cycles: rows.length });
    expect(report.whatIf.trades).toEqual(report.recorded.trades);
    expect(report.whatIf.trades.length).toBeGreaterThanOrEqual(CYCLES - 1);
    expect(report.whatIf.finalEquity).toBe(report.recorded.finalEquity);
    expect(report.whatIf.pnl).toBe(report.recorded.pnl);
  });

  it('with another strategy answers the same bytes every time, and never touches the ledger', async () => {
    const before = await ledgerCounts();
    const body = { strategy: 'ma-crossover', params: { fast: 2, slow: 3 }, from: 2 };
    const first = await whatIf('rec', body);
    expect(first.status).toBe(200);
    expect((await whatIf('rec', body)).text).toBe(first.text);
    expect(JSON.parse(first.text)).toMatchObject({ range: { from: 2 }, whatIf: { strategy: 'ma-crossover' } });
    expect(await ledgerCounts()).toEqual(before);
  });

  const refusals: [string, string, unknown, number, string][] = [
    ['an unknown bot', 'ghost', { strategy: 'quicktest' }, 404, 'not_found'],
    ['an unknown strategy', 'rec', { strategy: 'nope' }, 400, 'unknown_strategy'],
    ['bad params', 'rec', { strategy: 'quicktest', params: { quantity: -1 } }, 400, 'invalid_params'],
    ['an unknown param', 'rec', { strategy: 'quicktest', params: { leverage: 3 } }, 400, 'invalid_params'],
    ['from after to', 'rec', { strategy: 'quicktest', from: 5, to: 2 }, 400, 'invalid_request'],
    ['a range with no cycle', 'rec', { strategy: 'quicktest', from: 100_000 }, 400, 'invalid_range'],
    ['an unknown field', 'rec', { strategy: 'quicktest', speed: 2 }, 400, 'invalid_request'],
  ];
  it.each(refusals)('refuses %s', async (_what, id, body, status, code) => {
    const res = await whatIf(id, body);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code } });
  });

  it('is listed in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as { paths: Record<string, any> };
    expect(doc.paths['/api/bots/{id}/whatif']?.post?.requestBody).toBeDefined();
  });

  it('prints the same bytes twice from the CLI, and names the option of a bad answer', async () => {
    const run = async (argv: string[]) => {
      let out = '';
      let err = '';
      const code = await runWhatIfCli([...argv, '--api', api.url], {
        post: httpApi('http://127.0.0.1:9', undefined),
        out: (t) => (out += t),
        err: (t) => (err += t),
      });
      return { code, out, err };
    };
    const args = ['--bot', 'rec', '--strategy', 'rsi-mean-reversion', '--params', 'period=2'];
    const first = await run(args);
    expect(first).toMatchObject({ code: 0, err: '' });
    // The README's sample: WHATIF_SAMPLE=<file> npx jest tests/integration/liveEqualsReplay.test.ts
    if (process.env.WHATIF_SAMPLE) writeFileSync(process.env.WHATIF_SAMPLE, first.out);
    expect(first.out).toContain('recorded: quicktest');
    expect((await run(args)).out).toBe(first.out);
    const ghost = await run(['--bot', 'ghost', '--strategy', 'quicktest']);
    expect(ghost.code).toBe(2);
    expect(ghost.err).toMatch(/^whatif: --bot: bot "ghost" not found/);
  });
});
