// `npm run soak -- --minutes M --bots N --interval 5s [--workers W] [--out DIR]` (see scripts/soak/args.ts).
import { parseSoakArgs, SOAK_USAGE, UsageError } from './soak/args';
import { runSoak } from './soak/run';

async function main(): Promise<number> {
  let args;
  try {
    args = parseSoakArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${SOAK_USAGE}`);
    return 2;
  }
  if (!args) {
    console.log(SOAK_USAGE);
    return 0;
  }
  const { verdict } = await runSoak(args);
  return verdict.status === 'fail' ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('[soak] failed:', err);
    process.exit(1);
  },
);
