import type { JournalRow } from '../../src/ledger/journalReads';
import { replayObservations, type EngineConfig, type Observation } from '../../src/engine';
import { parseWhatIfArgs } from '../../src/whatif/args';
import { runWhatIfCli, type WhatIfIo } from '../../src/whatif/cli';
import { formatWhatIf } from '../../src/whatif/format';
import { whatIf, WhatIfRangeError, type RecordedRun } from '../../src/whatif/whatIf';

const config: EngineConfig = {
  botId: 'wi',
  symbol: 'BTC/USD',
  strategy: { name: 'quicktest', params: {} },
  risk: {},
  costs: { feeBps: 10, slippageBps: 5 },
  mode: 'quicktest',
  adaptiveSizing: true,
};
const PRICES = [50000, 52000, 51000, 50500, 49800, 50900, 52500, 51700, 50200, 49500, 50600, 51800, 53000];

/** A journal as the live bot writes it, made by replaying the quicktest strategy over the prices. */
function recordedRun(): RecordedRun {
  const observations: Observation[] = PRICES.map((p, i) => ({
    cycle: i + 1,
    now: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    price: p.toFixed(2),
    closes: [p.toFixed(2)],
    sentiment: null,
    source: 'mock',
    ageSeconds: 0,
  }));
  const run = replayObservations(observations, config, '10000.00');
  const cycles = run.cycles.map((c): JournalRow => ({
    cycle: c.cycle,
    workflowId: `bot-wi-cycle-${c.cycle}`,
    recordedAt: c.now,
    dataSource: 'mock',
    dataAgeSeconds: 0,
    price: c.price,
    decision: c.decision,
    verdict: c.verdict,
    execution: c.fill ? { status: 'filled', fill: c.fill, duplicate: false } : null,
    cash: c.holdings.cash,
    equity: c.equity,
    realizedPnl: c.holdings.realizedPnl,
  }));
  return { startingCash: '10000.00', config, cycles };
}

describe('what-if on recorded cycles', () => {
  it("with the bot's own strategy gives what the bot did", () => {
    const report = whatIf(recordedRun(), { strategy: 'quicktest', params: {} });
    expect(report.range).toEqual({ from: 1, to: PRICES.length, cycles: PRICES.length });
    expect(report.whatIf.trades).toEqual(report.recorded.trades);
    expect(report.whatIf.finalEquity).toBe(report.recorded.finalEquity);
    expect(report.recorded.trades.length).toBe(PRICES.length);
  });

  it('with other params trades differently, and prints the same bytes for the same input', () => {
    const request = { strategy: 'quicktest', params: { quantity: 0.05 }, from: 3, to: 10 };
    const report = whatIf(recordedRun(), request);
    expect(report.range).toEqual({ from: 3, to: 10, cycles: 8 });
    // It starts flat with the equity the bot had before cycle 3.
    expect(report.startingEquity).toBe(recordedRun().cycles[1].equity);
    expect(report.whatIf.trades[0]).toMatchObject({ cycle: 3, side: 'buy', quantity: '0.05' });
    const text = formatWhatIf(report);
    expect(formatWhatIf(whatIf(recordedRun(), request))).toBe(text);
    expect(text).toContain('what-if: quicktest (quantity=0.05)');
    expect(text).toContain('recorded: quicktest');
  });

  it('warms a strategy up on the journaled prices before the range', () => {
    const report = whatIf(recordedRun(), { strategy: 'ma-crossover', params: { fast: 2, slow: 3 }, from: 4 });
    expect(report.whatIf.riskVerdicts).toBeDefined();
    expect(report.whatIf.trades.every((t) => t.cycle >= 4)).toBe(true);
  });

  it('refuses a range without a journaled cycle', () => {
    expect(() => whatIf(recordedRun(), { strategy: 'quicktest', params: {}, from: 99 })).toThrow(WhatIfRangeError);
  });
});

const badOptions: [string[], string][] = [
  [[], '--bot <id> is required'],
  [['--bot', 'Bad!'], '--bot'],
  [['--bot', 'btc'], '--strategy <name> is required'],
  [['--bot', 'btc', '--strategy', 'nope'], '--strategy: unknown strategy "nope"'],
  [['--bot', 'btc', '--strategy', 'quicktest', '--params', 'quantity=-1'], '--params: '],
  [['--bot', 'btc', '--strategy', 'quicktest', '--params', 'quantity'], '--params expects key=number'],
  [['--bot', 'btc', '--strategy', 'quicktest', '--from', '0'], '--from must be a cycle number'],
  [['--bot', 'btc', '--strategy', 'quicktest', '--from', '5', '--to', '2'], '--from 5 is after --to 2'],
  [['--bot', 'btc', '--strategy', 'quicktest', '--speed', '2'], "Unknown option '--speed'"],
];

describe('npm run whatif', () => {
  it.each(badOptions)('exits 2 naming the option for %j', async (argv, message) => {
    let err = '';
    const io: WhatIfIo = { post: () => Promise.reject(new Error('not called')), out: () => {}, err: (t) => (err += t) };
    expect(await runWhatIfCli(argv, io)).toBe(2);
    expect(err).toContain(message);
  });

  it('prints its usage for --help', async () => {
    let out = '';
    const io: WhatIfIo = { post: () => Promise.reject(new Error('not called')), out: (t) => (out += t), err: () => {} };
    expect(await runWhatIfCli(['--help'], io)).toBe(0);
    expect(out).toMatch(/^Usage: npm run whatif -- --bot <id> --strategy <name>/);
    expect(parseWhatIfArgs(['--help'])).toBeNull();
  });

  it("prints the API's report, and maps its errors to the options they are about", async () => {
    const answers: Record<string, { status: number; body: unknown }> = {
      '/api/bots/btc/whatif': { status: 200, body: whatIf(recordedRun(), { strategy: 'quicktest', params: {} }) },
      '/api/bots/ghost/whatif': {
        status: 404,
        body: { error: { code: 'not_found', message: 'bot "ghost" not found' } },
      },
      '/api/bots/far/whatif': {
        status: 400,
        body: { error: { code: 'invalid_range', message: 'no journaled cycle' } },
      },
      '/api/bots/down/whatif': {
        status: 503,
        body: { error: { code: 'temporal_unavailable', message: 'Temporal: x' } },
      },
    };
    const run = async (bot: string) => {
      let out = '';
      let err = '';
      const io: WhatIfIo = {
        post: (path) => Promise.resolve(answers[path]),
        out: (t) => (out += t),
        err: (t) => (err += t),
      };
      return { code: await runWhatIfCli(['--bot', bot, '--strategy', 'quicktest'], io), out, err };
    };
    const ok = await run('btc');
    expect(ok.code).toBe(0);
    expect(ok.out).toBe(formatWhatIf(answers['/api/bots/btc/whatif'].body as never));
    expect(await run('ghost')).toMatchObject({ code: 2, err: 'whatif: --bot: bot "ghost" not found\n' });
    expect(await run('far')).toMatchObject({ code: 2, err: 'whatif: --from/--to: no journaled cycle\n' });
    expect(await run('down')).toMatchObject({ code: 1, err: 'whatif: Temporal: x\n' });
  });

  it('exits 1 when the API cannot be reached', async () => {
    let err = '';
    const io: WhatIfIo = {
      post: () => Promise.reject(new Error('connect ECONNREFUSED')),
      out: () => {},
      err: (t) => (err += t),
    };
    expect(await runWhatIfCli(['--bot', 'btc', '--strategy', 'quicktest'], io)).toBe(1);
    expect(err).toContain('cannot reach the API');
  });
});
