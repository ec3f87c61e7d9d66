import { UsageError } from '../backtest/args';
import { formatWhatIf } from './format';
import { parseWhatIfArgs, WHATIF_USAGE } from './args';
import type { WhatIfReport } from './whatIf';

// The what-if command: a thin client of POST /api/bots/:id/whatif, so the CLI and the API run one use case.
// The API's 400s and 404s come back as exit code 2, naming the option they are about.

export interface WhatIfIo {
  /** POSTs to the API at `api` (--api), or at the configured one when undefined. */
  post(path: string, body: unknown, api: string | undefined): Promise<{ status: number; body: unknown }>;
  out(text: string): void;
  err(text: string): void;
}

/** The API over HTTP (fetch), with the bearer token when one is configured. */
export function httpApi(defaultUrl: string, token: string | undefined): WhatIfIo['post'] {
  return async (path, body, api) => {
    const res = await fetch(new URL(path, api ?? defaultUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
}

/** Which option an API error is about, by its code (and, for a schema error, the field it names). */
function optionOf(code: string, message: string): string | null {
  // A 404 without a bot in it is an API without this route (an older one): not the caller's option.
  if (code === 'not_found') return /^bot "/.test(message) ? '--bot' : null;
  if (code === 'invalid_bot_id') return '--bot';
  if (code === 'unknown_strategy') return '--strategy';
  if (code === 'invalid_params') return '--params';
  if (code === 'invalid_range') return '--from/--to';
  if (code === 'invalid_request') return /^to:/.test(message) ? '--to' : /^from:/.test(message) ? '--from' : null;
  return null;
}

/** Runs the command; returns the exit code (0 the report, 2 bad input, 1 the API failed or is down). */
export async function runWhatIfCli(argv: readonly string[], io: WhatIfIo): Promise<number> {
  let args;
  try {
    args = parseWhatIfArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`whatif: ${err.message}\n\n${WHATIF_USAGE}\n`);
    return 2;
  }
  if (args === null) {
    io.out(`${WHATIF_USAGE}\n`);
    return 0;
  }
  const { bot, strategy, params, from, to } = args;
  let answer;
  try {
    answer = await io.post(`/api/bots/${bot}/whatif`, { strategy, params, from, to }, args.api);
  } catch (err) {
    io.err(`whatif: cannot reach the API: ${(err as Error).message} (is it running? see --api)\n`);
    return 1;
  }
  if (answer.status === 200) {
    const report = answer.body as WhatIfReport;
    io.out(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatWhatIf(report));
    return 0;
  }
  const error = (answer.body as { error?: { code?: string; message?: string } }).error ?? {};
  const message = error.message ?? `HTTP ${answer.status}`;
  const option = answer.status === 400 || answer.status === 404 ? optionOf(error.code ?? '', message) : null;
  io.err(`whatif: ${option ? `${option}: ` : ''}${message}\n`);
  return option ? 2 : 1;
}
