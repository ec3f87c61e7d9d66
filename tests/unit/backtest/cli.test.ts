import { parseBacktestArgs, parseKeyValues, UsageError } from '../../../src/backtest/args';
import { runBacktestCli, type CliIo } from '../../../src/backtest/cli';
import { syntheticCandles } from '../../../src/backtest/syntheticCandles';

function csvOf(count: number): string {
  const rows = syntheticCandles({ seed: 11, count, volatility: 0.03 }).map((c) =>
    [c.time.slice(0, 10), c.open, c.high, c.low, c.close, c.volume].join(','),
  );
  return ['date,open,high,low,close,volume', ...rows].join('\n') + '\n';
}

/** An in-memory file system and console. */
function memoryIo(files: Record<string, string>) {
  const written: Record<string, string> = {};
  let out = '';
  let err = '';
  const io: CliIo = {
    readFile: (file) => {
      if (!(file in files)) throw new Error(`ENOENT: ${file}`);
      return files[file];
    },
    writeFile: (file, text) => {
      written[file] = text;
    },
    makeDir: () => undefined,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  };
  return { io, written, output: () => out, errors: () => err };
}

describe('backtest arguments', () => {
  it('parse with defaults', () => {
    expect(parseBacktestArgs(['--csv', 'btc.csv'])).toEqual({
      csv: 'btc.csv',
      strategy: 'ma-crossover',
      params: {},
      risk: {},
      feeBps: 10,
      slippageBps: 5,
      cash: '10000.00',
      adaptive: true,
      out: 'backtest-results',
    });
    expect(parseBacktestArgs(['--help'])).toBeNull();
  });

  it('parse every option', () => {
    const args = parseBacktestArgs(
      ['--csv', 'f', '--strategy', 'rsi-mean-reversion', '--from', '2020-01-01', '--to', '2021-12-31'].concat(
        [
          '--params',
          'period=10, oversold=25',
          '--risk',
          'stopLossFraction=0.1',
          '--fee-bps',
          '0',
          '--slippage-bps',
          '2',
        ],
        ['--cash', '500', '--window', '100', '--no-adaptive', '--out', 'o'],
      ),
    );
    expect(args).toMatchObject({
      strategy: 'rsi-mean-reversion',
      from: '2020-01-01',
      to: '2021-12-31',
      params: { period: 10, oversold: 25 },
      risk: { stopLossFraction: 0.1 },
      feeBps: 0,
      slippageBps: 2,
      cash: '500',
      window: 100,
      adaptive: false,
      out: 'o',
    });
  });

  it('refuse bad input clearly', () => {
    expect(() => parseBacktestArgs([])).toThrow('--csv <file> is required');
    expect(() => parseBacktestArgs(['--csv', 'f', '--from', '2020-1-1'])).toThrow(/--from must be a day as YYYY-MM-DD/);
    expect(() => parseBacktestArgs(['--csv', 'f', '--from', '2021-01-01', '--to', '2020-01-01'])).toThrow(/after --to/);
    expect(() => parseBacktestArgs(['--csv', 'f', '--fee-bps', 'x'])).toThrow(UsageError);
    expect(() => parseBacktestArgs(['--csv', 'f', '--bogus'])).toThrow(UsageError);
    expect(() => parseBacktestArgs(['--csv', 'f', '--window', '0'])).toThrow(/--window must be at least 1/);
    expect(() => parseKeyValues('fast', '--params')).toThrow(/key=number pairs/);
    expect(() => parseKeyValues('fast=x', '--params')).toThrow(/key=number pairs/);
    expect(() => parseKeyValues('a=1,a=2', '--params')).toThrow(/names "a" twice/);
  });
});

describe('backtest command', () => {
  it('writes <strategy>.json and <strategy>.svg and prints the metrics; a second run writes the same bytes', () => {
    const files = { 'btc.csv': csvOf(400) };
    const first = memoryIo(files);
    expect(runBacktestCli(['--csv', 'btc.csv', '--out', 'out', '--strategy', 'ma-crossover'], first.io)).toBe(0);
    expect(Object.keys(first.written).sort()).toEqual(['out/ma-crossover.json', 'out/ma-crossover.svg']);
    for (const label of [
      'trades (round trips)',
      'win rate',
      'return',
      'max drawdown',
      'sharpe-like',
      'final equity',
      'fees',
    ]) {
      expect(first.output()).toContain(label);
    }
    const result = JSON.parse(first.written['out/ma-crossover.json']);
    expect(result).toMatchObject({ strategy: 'ma-crossover', costs: { feeBps: 10, slippageBps: 5 } });
    expect(result.metrics.startingCash).toBe('10000.00');

    const second = memoryIo(files);
    runBacktestCli(['--csv', 'btc.csv', '--out', 'out', '--strategy', 'ma-crossover'], second.io);
    expect(second.written).toEqual(first.written);
  });

  it('runs every strategy with --strategy all', () => {
    const run = memoryIo({ 'btc.csv': csvOf(100) });
    expect(runBacktestCli(['--csv', 'btc.csv', '--strategy', 'all'], run.io)).toBe(0);
    expect(Object.keys(run.written).filter((f) => f.endsWith('.json'))).toHaveLength(4);
  });

  it('exits 2 with a clear message on bad input', () => {
    const garbage = memoryIo({ 'bad.csv': 'date,open,high,low,close,volume\n2020-01-01,1,2,1,x,1\n' });
    expect(runBacktestCli(['--csv', 'bad.csv'], garbage.io)).toBe(2);
    expect(garbage.errors()).toContain('backtest: bad CSV: line 2: close must be a decimal number, got "x"');

    const params = memoryIo({ 'btc.csv': csvOf(50) });
    expect(runBacktestCli(['--csv', 'btc.csv', '--params', 'fsat=3'], params.io)).toBe(2);
    expect(params.errors()).toContain('unknown key "fsat"; known keys: fast, slow, fullScaleSpread, fraction');

    const costs = memoryIo({ 'btc.csv': csvOf(50) });
    expect(runBacktestCli(['--csv', 'btc.csv', '--fee-bps', '5000'], costs.io)).toBe(2);
    expect(costs.errors()).toContain('--fee-bps and --slippage-bps must be from 0 to 1000');

    const missing = memoryIo({});
    expect(runBacktestCli(['--csv', 'nowhere.csv'], missing.io)).toBe(2);
    expect(missing.errors()).toContain('backtest: cannot read nowhere.csv: ENOENT');

    const usage = memoryIo({});
    expect(runBacktestCli(['--nope'], usage.io)).toBe(2);
    expect(usage.errors()).toContain('Usage: backtest --csv <file>');
  });
});
