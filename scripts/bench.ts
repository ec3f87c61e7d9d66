// `npm run bench [-- --quick] [options]` (see scripts/bench/args.ts; figures in docs/performance.md).
import { BENCH_USAGE, parseBenchArgs, UsageError } from './bench/args';
import { runBench } from './bench/run';

async function main(): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (!args) {
    console.log(BENCH_USAGE);
    return 0;
  }
  const { ran } = await runBench(args);
  return ran ? 0 : 1;
}

// A run that stops waiting on nothing (every handle closed, a promise never settled) must not pass as done.
let settled = false;
process.on('beforeExit', () => {
  if (settled) return;
  console.error('[bench] failed: the run stopped before it finished (nothing left to wait on)');
  process.exit(1);
});

main().then(
  (code) => {
    settled = true;
    process.exit(code);
  },
  (err: unknown) => {
    console.error('[bench] failed:', err);
    process.exit(1);
  },
);
