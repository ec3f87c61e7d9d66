import { parseArgs } from 'node:util';
import { NODE_ALLOCATORS, type NodeAllocator } from '../topology/allocator';
import {
  isTemporalChoice,
  TEMPORAL_CHOICES,
  type TemporalArgs,
  type TemporalChoice,
  temporalFlagUsage,
} from '../topology/temporalChoice';

// `npm run soak -- --minutes M --bots N --interval 5s [--workers W] [--out DIR]`: every option checked, every
// mistake named.

export const SOAK_USAGE = `npm run soak -- [options]

Runs a fleet of bots on the production topology (Temporal, a Postgres, the API and W workers as separate
processes, with the Alpha Vantage stand-in), samples every process, then reads what happened from
the workflow histories and the ledger, and writes report.json and report.html with a verdict.

  --minutes <m>     how long the fleet trades (default 3; a fraction is allowed: 0.5)
  --bots <n>        bots, cycling through strategies and symbols (default 5, at most 500)
  --interval <d>    each bot's cadence: 5s, 1m, or plain seconds (default 5s, at least 1s)
  --workers <w>     worker processes (default 2, at most 16)
  --out <dir>       where report.json, report.html and the run's logs go (default reports/soak-<UTC time>)
  --warmup <m>      minutes left out of the memory slopes (default: the first 20 % of the run)
  --allocator <a>   the workers' and the API's malloc: jemalloc (the default when installed) or system (glibc's)
${temporalFlagUsage(20, { remote: true })}
  --help            this text

Exit code: 0 when the verdict passes (slopes need 20 minutes of data; shorter runs report them as n/a),
1 when any criterion fails, 2 on a bad option.

Examples: npm run soak -- --minutes 30 --bots 20 --interval 5s --out docs/soak/30min
          npm run soak -- --minutes 3 --bots 5 --temporal server
          TEMPORAL_ADDRESS=my-ns.a1b2c.tmprl.cloud:7233 TEMPORAL_NAMESPACE=my-ns.a1b2c TEMPORAL_API_KEY=... \\
            npm run soak -- --minutes 10 --bots 10 --temporal remote`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface SoakArgs extends TemporalArgs {
  minutes: number;
  bots: number;
  intervalSeconds: number;
  workers: number;
  out?: string;
  warmupMinutes?: number;
  allocator?: NodeAllocator;
}

function positive(
  value: string | undefined,
  flag: string,
  fallback: number,
  opts: { integer?: boolean; max?: number },
) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag} must be a positive ${opts.integer ? 'whole ' : ''}number, got ${JSON.stringify(value)}`,
    );
  }
  if (opts.max !== undefined && n > opts.max) throw new UsageError(`${flag} must be at most ${opts.max}, got ${n}`);
  return n;
}

/** 5s, 2m, 1.5, 500ms: to seconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} must be a duration such as 5s, 1m or 10, got ${JSON.stringify(value)}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

/**
 * node:util's parseArgs, strict and without positionals (every campaign script's flags), its errors turned into
 * UsageErrors that name the flag.
 */
export function parseFlags(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The flags every campaign script takes to choose its Temporal: parse them with parseTemporalFlags. */
export const TEMPORAL_FLAGS = { temporal: { type: 'string' }, 'history-shards': { type: 'string' } } as const;

/**
 * --temporal dev (the default), server or remote, and --history-shards (server only, 1 to 1024). `remote: false`
 * for a script that must own its server (the chaos campaign kills and restarts it).
 */
export function parseTemporalFlags(
  values: Record<string, string | boolean | undefined>,
  opts: { remote: boolean } = { remote: true },
): TemporalArgs {
  const temporal = parseTemporalChoice(values.temporal as string | undefined);
  if (temporal === 'remote' && !opts.remote) {
    throw new UsageError(
      '--temporal remote: this campaign kills and restarts Temporal, so it runs its own (dev or server)',
    );
  }
  const shards = values['history-shards'] as string | undefined;
  if (shards === undefined) return { temporal };
  if (temporal !== 'server') throw new UsageError('--history-shards applies to --temporal server only');
  return { temporal, historyShards: positive(shards, '--history-shards', 0, { integer: true, max: 1024 }) };
}

/** --temporal: dev (the default) or server. */
function parseTemporalChoice(value: string | undefined): TemporalChoice {
  if (value === undefined) return 'dev';
  if (!isTemporalChoice(value)) {
    throw new UsageError(`--temporal must be one of ${TEMPORAL_CHOICES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** null for --help. */
export function parseSoakArgs(argv: string[]): SoakArgs | null {
  const values = parseFlags(argv, {
    minutes: { type: 'string' },
    bots: { type: 'string' },
    interval: { type: 'string' },
    workers: { type: 'string' },
    out: { type: 'string' },
    warmup: { type: 'string' },
    allocator: { type: 'string' },
    ...TEMPORAL_FLAGS,
    help: { type: 'boolean' },
  });
  if (values.help) return null;
  const str = (k: string) => values[k] as string | undefined;
  const intervalSeconds = str('interval') === undefined ? 5 : parseDuration(str('interval')!, '--interval');
  if (intervalSeconds < 1) throw new UsageError(`--interval must be at least 1s, got ${intervalSeconds}s`);
  const minutes = positive(str('minutes'), '--minutes', 3, { max: 24 * 60 });
  const warmup = str('warmup') === undefined ? undefined : positive(str('warmup'), '--warmup', 0, {});
  if (warmup !== undefined && warmup >= minutes) {
    throw new UsageError(`--warmup (${warmup} min) must be shorter than --minutes (${minutes})`);
  }
  if (str('out') !== undefined && str('out')!.trim() === '') throw new UsageError('--out must name a directory');
  const allocator = str('allocator');
  if (allocator !== undefined && !NODE_ALLOCATORS.includes(allocator as NodeAllocator)) {
    throw new UsageError(`--allocator must be one of ${NODE_ALLOCATORS.join(', ')}, got ${JSON.stringify(allocator)}`);
  }
  return {
    minutes,
    bots: positive(str('bots'), '--bots', 5, { integer: true, max: 500 }),
    intervalSeconds,
    workers: positive(str('workers'), '--workers', 2, { integer: true, max: 16 }),
    ...(str('out') ? { out: str('out') } : {}),
    ...(warmup !== undefined ? { warmupMinutes: warmup } : {}),
    ...(allocator !== undefined ? { allocator: allocator as NodeAllocator } : {}),
    ...parseTemporalFlags(values),
  };
}
