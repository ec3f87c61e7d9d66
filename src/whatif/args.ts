import { isValidBotId } from '../domain/botConfig';
import { parseFlags, parseKeyValues, UsageError } from '../backtest/args';
import { InvalidSettingError } from '../trading/settings';
import { findStrategy, strategyNames, UnknownStrategyError } from '../trading/strategies';

// `npm run whatif -- --bot <id> --strategy <name> [--params k=v,...] [--from N --to M]`, every mistake named.

export const WHATIF_USAGE = `Usage: npm run whatif -- --bot <id> --strategy <name> [options]

Replays a bot's journaled cycles (its observed prices) through the bot's own decision engine with another
strategy or other params, and prints what would have happened beside what did: trades, round trips, P&L.
Read-only: it asks the running API (POST /api/bots/<id>/whatif) and never touches the ledger. The same
journal and options always print the same bytes.

  --bot <id>          the bot whose journal is replayed
  --strategy <name>   ${strategyNames().join(', ')}
  --params k=v,...    the strategy's params, e.g. period=10,oversold=25 (defaults fill the rest)
  --from <n>          first journaled cycle replayed (default: the first)
  --to <n>            last journaled cycle replayed, inclusive (default: the last)
  --json              print the report as JSON instead of the table
  --api <url>         the API to ask (default: http://API_HOST:API_PORT from the environment)
  --help              this text

Exit code: 0 with the report, 2 on a bad option (an unknown bot, strategy or range included), 1 when the API
cannot be reached or fails.

Example: npm run whatif -- --bot btc --strategy rsi-mean-reversion --params period=10 --from 1 --to 40`;

export interface WhatIfArgs {
  bot: string;
  strategy: string;
  params: Record<string, number>;
  from?: number;
  to?: number;
  json: boolean;
  api?: string;
}

function cycle(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) {
    throw new UsageError(`${flag} must be a cycle number (1, 2, ...), got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Parses argv (without node and the script); null for --help. Throws UsageError naming the option. */
export function parseWhatIfArgs(argv: readonly string[]): WhatIfArgs | null {
  const values = parseFlags(argv, {
    bot: { type: 'string' },
    strategy: { type: 'string' },
    params: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
    api: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) return null;
  if (!values.bot) throw new UsageError('--bot <id> is required');
  if (!isValidBotId(values.bot)) throw new UsageError(`--bot: "${values.bot}" is not a valid bot id`);
  if (!values.strategy) throw new UsageError('--strategy <name> is required');
  const params = parseKeyValues(values.params, '--params');
  try {
    findStrategy(values.strategy).validateParams(params);
  } catch (err) {
    if (err instanceof UnknownStrategyError) throw new UsageError(`--strategy: ${err.message}`);
    if (err instanceof InvalidSettingError) throw new UsageError(`--params: ${err.message}`);
    throw err;
  }
  const from = cycle(values.from, '--from');
  const to = cycle(values.to, '--to');
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  return {
    bot: values.bot,
    strategy: values.strategy,
    params,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    json: values.json ?? false,
    ...(values.api ? { api: values.api } : {}),
  };
}
