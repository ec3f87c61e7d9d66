import * as fs from 'node:fs';
import * as path from 'node:path';
import { brokerCostsSchema } from '../domain/botConfig';
import { InvalidSettingError } from '../trading/settings';
import { strategyNames, UnknownStrategyError } from '../trading/strategies';
import { parseBacktestArgs, USAGE, UsageError, type BacktestArgs } from './args';
import { CandleCsvError, parseCandlesCsv } from './csv';
import { BacktestInputError, runBacktest } from './engine';
import { formatReport, resultChart } from './report';
import { backtestResult } from './result';

// The backtest command: read the CSV, run each asked-for strategy, print its metrics, and write `<strategy>.json`
// and `<strategy>.svg` into the output directory. All I/O is here; everything it calls is pure.

export interface CliIo {
  readFile(file: string): string;
  writeFile(file: string, text: string): void;
  makeDir(dir: string): void;
  out(text: string): void;
  err(text: string): void;
}

export const nodeIo: CliIo = {
  readFile: (file) => fs.readFileSync(file, 'utf8'),
  writeFile: (file, text) => fs.writeFileSync(file, text),
  makeDir: (dir) => fs.mkdirSync(dir, { recursive: true }),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function readCsv(io: CliIo, file: string): string {
  try {
    return io.readFile(file);
  } catch (err) {
    throw new BacktestInputError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function strategiesOf(args: BacktestArgs): string[] {
  if (args.strategy !== 'all') return [args.strategy];
  if (Object.keys(args.params).length > 0) throw new UsageError('--params cannot be used with --strategy all');
  return strategyNames();
}

/** Runs the command; returns the process exit code (0 ok, 2 bad input, 1 anything else). */
export function runBacktestCli(argv: readonly string[], io: CliIo = nodeIo): number {
  try {
    const args = parseBacktestArgs(argv);
    if (args === null) {
      io.out(USAGE);
      return 0;
    }
    const costs = brokerCostsSchema.safeParse({ feeBps: args.feeBps, slippageBps: args.slippageBps });
    if (!costs.success) throw new UsageError('--fee-bps and --slippage-bps must be from 0 to 1000');
    const candles = parseCandlesCsv(readCsv(io, args.csv));
    const names = strategiesOf(args);
    io.makeDir(args.out);
    for (const strategy of names) {
      const run = runBacktest(candles, {
        strategy,
        params: args.params,
        risk: args.risk,
        costs: costs.data,
        startingCash: args.cash,
        symbol: 'BTC/USD',
        ...(args.window !== undefined ? { historyWindow: args.window } : {}),
        adaptiveSizing: args.adaptive,
        ...(args.from ? { from: args.from } : {}),
        ...(args.to ? { to: args.to } : {}),
      });
      const result = backtestResult(run);
      const json = path.join(args.out, `${strategy}.json`);
      const svg = path.join(args.out, `${strategy}.svg`);
      io.writeFile(json, JSON.stringify(result, null, 2) + '\n');
      io.writeFile(svg, resultChart(result));
      io.out(`${formatReport(result)}wrote ${json} and ${svg}\n\n`);
    }
    return 0;
  } catch (err) {
    if (!(
      err instanceof UsageError ||
      err instanceof CandleCsvError ||
      err instanceof BacktestInputError ||
      err instanceof InvalidSettingError ||
      err instanceof UnknownStrategyError
    )) {
      throw err;
    }
    const where = err instanceof CandleCsvError ? 'bad CSV: ' : '';
    io.err(`backtest: ${where}${err.message}\n`);
    if (err instanceof UsageError) io.err(`\n${USAGE}`);
    return 2;
  }
}
