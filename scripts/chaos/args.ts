import { parseFlags, parseTemporalFlags, TEMPORAL_FLAGS, UsageError } from '../soak/args';
import { type TemporalArgs, temporalFlagUsage } from '../topology/temporalChoice';
import { randomSeed } from './rng';
import { MIN_MINUTES, TAIL_MS } from './schedule';

// `npm run chaos -- --minutes M --seed S [--workers W] [--bots N] [--out DIR]`: every option checked, every
// mistake named (exit 2).

export { UsageError };

export const CHAOS_USAGE = `npm run chaos -- [options]

A seeded fault campaign on the production topology (Temporal, a Postgres, the API and W workers as separate
processes, with the Alpha Vantage stand-in). Bots trade every 1-2 s while the schedule, built up front
from the seed, SIGKILLs workers (at random moments and at the named crash points inside the execution and
learning activities), kills and restarts the Temporal server, crashes, restarts and pauses Postgres, kills the
API, makes Alpha Vantage hang and fail, and sends stop, start and create-bot requests through the API. Then the
invariants are checked from the ledger, the journal and the workflow histories, never from the bots' counters.

  --minutes <m>   campaign length, faults then ${TAIL_MS / 1000} s of quiet to recover (default 2, at least ${MIN_MINUTES};
                  startup and the final checks come on top)
  --seed <s>      seed of the fault schedule: the same seed and options give the same schedule
                  (default: a random one, printed; letters, digits, '-' and '_', at most 64)
  --workers <w>   worker processes (default 2, 2 to 8)
  --bots <n>      bots at the start, half quicktest-mode every 1 s, half live-mode every 2 s (default 4, 2 to 20);
                  the schedule creates more during the run
  --out <dir>     where report.json and the run's logs (run/) go (default reports/chaos-<UTC time>)
${temporalFlagUsage(18, { remote: false })}
  --dry-run       print the schedule and exit, starting nothing
  --help          this text

Exit code: 0 when every invariant holds and every planned fault was injected; 1 otherwise (the seed to
reproduce is printed); 2 on a bad option.

Example: npm run chaos -- --minutes 2 --seed 42
         npm run chaos -- --minutes 25 --seed 7 --out docs/chaos/run-25min
         npm run chaos -- --minutes 3 --seed 42 --temporal server`;

export interface ChaosArgs extends TemporalArgs {
  minutes: number;
  seed: string;
  /** False when the seed was drawn at random (printed, so the run can be repeated). */
  seedGiven: boolean;
  workers: number;
  bots: number;
  out?: string;
  dryRun: boolean;
}

function number(
  value: string | undefined,
  flag: string,
  fallback: number,
  opts: { integer?: boolean; min: number; max: number },
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be a ${opts.integer ? 'whole ' : ''}number, got ${JSON.stringify(value)}`);
  }
  if (n < opts.min || n > opts.max) {
    throw new UsageError(`${flag} must be between ${opts.min} and ${opts.max}, got ${n}`);
  }
  return n;
}

/** null for --help. */
export function parseChaosArgs(argv: string[]): ChaosArgs | null {
  const values = parseFlags(argv, {
    minutes: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    bots: { type: 'string' },
    out: { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...TEMPORAL_FLAGS,
    help: { type: 'boolean' },
  });
  if (values.help) return null;
  const str = (k: string) => values[k] as string | undefined;
  const seed = str('seed');
  if (seed !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(seed)) {
    throw new UsageError(`--seed must be 1-64 letters, digits, '-' or '_', got ${JSON.stringify(seed)}`);
  }
  if (str('out') !== undefined && str('out')!.trim() === '') throw new UsageError('--out must name a directory');
  return {
    minutes: number(str('minutes'), '--minutes', 2, { min: MIN_MINUTES, max: 24 * 60 }),
    seed: seed ?? randomSeed(),
    seedGiven: seed !== undefined,
    workers: number(str('workers'), '--workers', 2, { integer: true, min: 2, max: 8 }),
    bots: number(str('bots'), '--bots', 4, { integer: true, min: 2, max: 20 }),
    ...(str('out') ? { out: str('out') } : {}),
    dryRun: values['dry-run'] === true,
    ...parseTemporalFlags(values, { remote: false }),
  };
}
