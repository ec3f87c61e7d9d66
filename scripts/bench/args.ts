import { parseDuration, parseFlags, parseTemporalFlags, TEMPORAL_FLAGS, UsageError } from '../soak/args';
import { type TemporalArgs, temporalFlagUsage } from '../topology/temporalChoice';

// `npm run bench [-- --quick] [options]`: every option checked, every mistake named (the soak's style).

export { UsageError } from '../soak/args';

export const SECTIONS = ['inprocess', 'floor', 'knobs', 'alphavantage', 'fleets'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchArgs extends TemporalArgs {
  quick: boolean;
  out?: string;
  workers: number;
  /** Fleet sizes at `fleetIntervalSeconds`. */
  fleets: number[];
  fleetIntervalSeconds: number;
  /** One extra fleet point at a short cadence; null: none. */
  stress: { bots: number; intervalSeconds: number } | null;
  windowSeconds: number;
  warmupSeconds: number;
  floor: { bots: number; cycles: number; intervalSeconds: number };
  alphaVantage: { bots: number; intervalSeconds: number; windowSeconds: number };
  inProcessSeconds: number;
  skip: Section[];
}

const FULL = {
  fleets: [10, 50, 100, 200, 500, 1000],
  fleetInterval: '30s',
  stress: '100@5s',
  window: '2m',
  warmup: '1m',
  floorBots: 2,
  floorCycles: 100,
  avBots: 20,
  avInterval: '30s',
  avWindow: '3m',
  inProcess: '2s',
  skip: [] as Section[],
};
const QUICK: typeof FULL = {
  fleets: [20],
  fleetInterval: '5s',
  stress: 'none',
  window: '30s',
  warmup: '10s',
  floorBots: 2,
  floorCycles: 15,
  avBots: 5,
  avInterval: '5s',
  avWindow: '15s',
  inProcess: '0.5s',
  skip: ['knobs'],
};

export const BENCH_USAGE = `npm run bench -- [options]

Measures OODA Bot on the production topology (Temporal, a Postgres, the API and W workers as separate
processes, the Alpha Vantage stand-in in this process), everything on the same server in one run so
that ratios hold on a noisy machine. Prints a table with each target as PASS or MISS and writes bench.json.

  --quick                CI mode: floor ${QUICK.floorBots}x${QUICK.floorCycles} cycles, in-process loop, one fleet of ${QUICK.fleets[0]} bots
                         at ${QUICK.fleetInterval} (${QUICK.warmup} warm-up, ${QUICK.window} window), ${QUICK.avBots} live bots for ${QUICK.avWindow}; no knobs (under 3 min)
  --out <dir>            where bench.json and the run's logs go (default reports/bench-<UTC time>)
  --workers <n>          worker processes (default 2)
  --fleets <list>        fleet sizes (default ${FULL.fleets.join(',')}; quick ${QUICK.fleets.join(',')})
  --interval <d>         the fleets' cadence (default ${FULL.fleetInterval}; quick ${QUICK.fleetInterval})
  --stress <n@d|none>    one more fleet point at a short cadence (default ${FULL.stress}; quick ${QUICK.stress})
  --window <d>           measured window per fleet point (default ${FULL.window}; quick ${QUICK.window})
  --warmup <d>           warm-up per fleet point, after the last bot is created (default ${FULL.warmup}; quick ${QUICK.warmup})
  --floor-bots <n>       parents of the floor, and real quicktest bots against it (default ${FULL.floorBots}; quick ${QUICK.floorBots})
  --floor-cycles <n>     measured cycles per parent, after a first warm-up cycle (default ${FULL.floorCycles}; quick ${QUICK.floorCycles})
  --floor-interval <d>   the floor's cadence, real and no-op alike (default 2s: a slot more than half an interval
                         late is skipped, and a dev server without a short timer time shift fires a timer
                         shorter than 1s about 1s after it starts, so a 1s bot would skip slots there)
  --av-bots <n>          live bots on one symbol for the Alpha Vantage count (default ${FULL.avBots}; quick ${QUICK.avBots})
  --av-interval <d>      their cadence (default ${FULL.avInterval}; quick ${QUICK.avInterval})
  --av-window <d>        how long they run (default ${FULL.avWindow}; quick ${QUICK.avWindow})
  --inprocess <d>        time per strategy in the in-process loop (default ${FULL.inProcess}; quick ${QUICK.inProcess})
  --skip <list>          sections to leave out: ${SECTIONS.join(',')} (default none; quick knobs)
                         (knobs: the floor alone, 4 parents x 25 cycles at 1s and 1 x 30 back to back, on dev
                         servers with no dynamic config, then each key of the launcher's default added in turn;
                         dev server only: with --temporal server, skip it)
${temporalFlagUsage(25, { remote: true })}
  --help                 this text

Durations: 5s, 2m, 500ms or plain seconds. Targets are printed as PASS or MISS and do not fail the command.
Exit code: 0 when the run completed, 1 when it broke (an exception, or no cycles at all), 2 on a bad option.

Examples:
  npm run bench -- --quick
  npm run bench -- --quick --temporal server
  npm run bench -- --fleets 10,50,100 --window 1m --warmup 30s --skip knobs --out reports/bench-small`;

function count(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  }
  if (n > max) throw new UsageError(`${flag} must be at most ${max}, got ${n}`);
  return n;
}

function duration(value: string, flag: string, min: number): number {
  const s = parseDuration(value, flag);
  if (s < min) throw new UsageError(`${flag} must be at least ${min}s, got ${s}s`);
  return s;
}

function fleetList(value: string): number[] {
  const sizes = value.split(',').map((v) => count(v, '--fleets (each size)', 5000));
  if (new Set(sizes).size !== sizes.length) throw new UsageError(`--fleets repeats a size: ${value}`);
  return sizes;
}

function stressPoint(value: string): BenchArgs['stress'] {
  if (value === 'none') return null;
  const m = /^(\d+)@(.+)$/.exec(value.trim());
  if (!m) throw new UsageError(`--stress must look like 100@5s, or none; got ${JSON.stringify(value)}`);
  return { bots: count(m[1], '--stress (bots)', 5000), intervalSeconds: duration(m[2], '--stress (cadence)', 1) };
}

function sections(value: string): Section[] {
  const list = value.split(',').filter((s) => s.trim() !== '');
  for (const s of list) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new UsageError(`--skip: unknown section ${JSON.stringify(s)} (sections: ${SECTIONS.join(', ')})`);
    }
  }
  return list as Section[];
}

/** null for --help. */
export function parseBenchArgs(argv: string[]): BenchArgs | null {
  const values = parseFlags(argv, {
    quick: { type: 'boolean' },
    out: { type: 'string' },
    workers: { type: 'string' },
    fleets: { type: 'string' },
    interval: { type: 'string' },
    stress: { type: 'string' },
    window: { type: 'string' },
    warmup: { type: 'string' },
    'floor-bots': { type: 'string' },
    'floor-cycles': { type: 'string' },
    'floor-interval': { type: 'string' },
    'av-bots': { type: 'string' },
    'av-interval': { type: 'string' },
    'av-window': { type: 'string' },
    inprocess: { type: 'string' },
    skip: { type: 'string' },
    ...TEMPORAL_FLAGS,
    help: { type: 'boolean' },
  });
  if (values.help) return null;
  const quick = values.quick === true;
  const d = quick ? QUICK : FULL;
  const str = (k: string) => values[k] as string | undefined;
  const or = <T>(k: string, parse: (v: string) => T, fallback: T): T => {
    const v = str(k);
    return v === undefined ? fallback : parse(v);
  };
  const temporalArgs = parseTemporalFlags(values);
  const { temporal } = temporalArgs;
  const skip = or('skip', sections, d.skip);
  if (temporal !== 'dev' && !skip.includes('knobs')) {
    throw new UsageError(`--temporal ${temporal}: the knobs section compares dev servers; add --skip knobs`);
  }
  const out = str('out');
  if (out !== undefined && out.trim() === '') throw new UsageError('--out must name a directory');
  return {
    quick,
    ...(out ? { out } : {}),
    workers: or('workers', (v) => count(v, '--workers', 16), 2),
    fleets: or('fleets', fleetList, d.fleets),
    fleetIntervalSeconds: duration(str('interval') ?? d.fleetInterval, '--interval', 1),
    stress: stressPoint(str('stress') ?? d.stress),
    windowSeconds: duration(str('window') ?? d.window, '--window', 5),
    warmupSeconds: duration(str('warmup') ?? d.warmup, '--warmup', 0),
    floor: {
      bots: or('floor-bots', (v) => count(v, '--floor-bots', 50), d.floorBots),
      cycles: or('floor-cycles', (v) => count(v, '--floor-cycles', 10_000), d.floorCycles),
      intervalSeconds: duration(str('floor-interval') ?? '2s', '--floor-interval', 0.1),
    },
    alphaVantage: {
      bots: or('av-bots', (v) => count(v, '--av-bots', 500), d.avBots),
      intervalSeconds: duration(str('av-interval') ?? d.avInterval, '--av-interval', 1),
      windowSeconds: duration(str('av-window') ?? d.avWindow, '--av-window', 5),
    },
    inProcessSeconds: duration(str('inprocess') ?? d.inProcess, '--inprocess', 0.05),
    skip,
    ...temporalArgs,
  };
}
