import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BACKTEST_DEFAULTS } from './engine';

// The backtest command line, parsed without touching the file system, so it can be tested as a pure function.

export const USAGE = `Usage: backtest --csv <file> [options]

  --csv <file>            candles: date,open,high,low,close,volume (one row per day, oldest first)
  --strategy <name|all>   strategy to run (default ma-crossover); "all" runs every strategy
  --from YYYY-MM-DD       first traded day (earlier candles still warm up indicators)
  --to YYYY-MM-DD         last traded day, inclusive
  --params k=v,...        strategy params, e.g. fast=20,slow=50
  --risk k=v,...          risk limit overrides, e.g. stopLossFraction=0.1,maxDrawdownFraction=1
  --fee-bps <n>           broker fee in basis points (default ${BACKTEST_DEFAULTS.costs.feeBps})
  --slippage-bps <n>      slippage in basis points (default ${BACKTEST_DEFAULTS.costs.slippageBps})
  --cash <amount>         starting cash (default ${BACKTEST_DEFAULTS.startingCash})
  --window <n>            closes the strategy sees each cycle (default: what a live cycle passes it, the
                          strategy's own history: slow for the trend strategies, 5 x period + 1 for RSI)
  --no-adaptive           do not apply the adaptive size multiplier
  --out <dir>             output directory (default backtest-results/)
  --help                  show this help
`;

export interface BacktestArgs {
  csv: string;
  strategy: string;
  from?: string;
  to?: string;
  params: Record<string, number>;
  risk: Record<string, number>;
  feeBps: number;
  slippageBps: number;
  cash: string;
  window?: number;
  adaptive: boolean;
  out: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`${flag} must be a day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

function number(value: string | undefined, flag: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag} must be a non-negative ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** "fast=20,slow=50" -> { fast: 20, slow: 50 }. */
export function parseKeyValues(text: string | undefined, flag: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined || text.trim() === '') return out;
  for (const pair of text.split(',')) {
    const [key, value, extra] = pair.split('=').map((s) => s.trim());
    const n = Number(value);
    if (!key || value === undefined || value === '' || extra !== undefined || !Number.isFinite(n)) {
      throw new UsageError(`${flag} expects key=number pairs separated by commas, got ${JSON.stringify(pair)}`);
    }
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new UsageError(`${flag} names "${key}" twice`);
    out[key] = n;
  }
  return out;
}

/** node:util's parseArgs, strict and without positionals, its errors turned into UsageErrors naming the flag. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Parses argv (without node and the script); returns null when --help was asked for. */
export function parseBacktestArgs(argv: readonly string[]): BacktestArgs | null {
  const values = parseFlags(argv, {
    csv: { type: 'string' },
    strategy: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    params: { type: 'string' },
    risk: { type: 'string' },
    'fee-bps': { type: 'string' },
    'slippage-bps': { type: 'string' },
    cash: { type: 'string' },
    window: { type: 'string' },
    'no-adaptive': { type: 'boolean' },
    out: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) return null;
  if (!values.csv) throw new UsageError('--csv <file> is required');
  const from = day(values.from, '--from');
  const to = day(values.to, '--to');
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const cash = values.cash ?? BACKTEST_DEFAULTS.startingCash;
  if (!/^\d+(\.\d+)?$/.test(cash) || Number(cash) <= 0) {
    throw new UsageError(`--cash must be a positive decimal such as 10000.00, got ${JSON.stringify(cash)}`);
  }
  const window = values.window === undefined ? undefined : number(values.window, '--window', 0, true);
  if (window !== undefined && window < 1) throw new UsageError('--window must be at least 1');
  return {
    csv: values.csv,
    strategy: values.strategy ?? 'ma-crossover',
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    params: parseKeyValues(values.params, '--params'),
    risk: parseKeyValues(values.risk, '--risk'),
    feeBps: number(values['fee-bps'], '--fee-bps', BACKTEST_DEFAULTS.costs.feeBps),
    slippageBps: number(values['slippage-bps'], '--slippage-bps', BACKTEST_DEFAULTS.costs.slippageBps),
    cash,
    ...(window !== undefined ? { window } : {}),
    adaptive: !values['no-adaptive'],
    out: values.out ?? 'backtest-results',
  };
}
