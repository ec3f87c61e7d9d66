// `npm run chaos -- --minutes M --seed S [--workers W] [--bots N] [--out DIR]` (see scripts/chaos/args.ts and
// docs/chaos/README.md).
import { CHAOS_USAGE, parseChaosArgs, UsageError } from './chaos/args';
import { log, runChaos } from './chaos/campaign';
import { reproduceCommand } from './chaos/report';
import { buildSchedule, formatSchedule } from './chaos/schedule';

async function main(): Promise<number> {
  let args;
  try {
    args = parseChaosArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${CHAOS_USAGE}`);
    return 2;
  }
  if (!args) {
    console.log(CHAOS_USAGE);
    return 0;
  }
  const schedule = buildSchedule(args);
  console.log(formatSchedule(schedule));
  if (args.dryRun) return 0;
  try {
    const { pass } = await runChaos(args, schedule);
    return pass ? 0 : 1;
  } catch (err) {
    log(`the campaign could not run to its end: ${(err as Error).stack ?? String(err)}`);
    log(`reproduce with: ${reproduceCommand(args)}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('[chaos] failed:', err);
    process.exit(1);
  },
);
