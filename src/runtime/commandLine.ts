import { configDefaults } from '../config';

// The entry points take their settings from the environment (src/config.ts) and no options but --help: a
// mistyped option must not be ignored, so anything else is an error naming it.

/** Exits after printing the usage for --help or -h (0), or an error for anything else given (2). */
export function checkCommandLine(argv: string[], command: string, what: string, example: string): void {
  if (argv.length === 0) return;
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage(command, what, example));
    process.exit(0);
  }
  console.error(`unknown option "${argv[0]}": ${command} takes its settings from the environment (see --help)`);
  process.exit(2);
}

function usage(command: string, what: string, example: string): string {
  const settings = configDefaults();
  const width = Math.max(...settings.map(([name]) => name.length));
  const lines = settings.map(
    ([name, fallback]) => `  ${name.padEnd(width)}  ${fallback === undefined ? '(unset)' : JSON.stringify(fallback)}`,
  );
  return [
    `Usage: ${command} [-- --help]`,
    '',
    what,
    '',
    'Settings, from the environment (README.md, "Configuration", says what each does), with their defaults:',
    ...lines,
    '',
    'Example:',
    `  ${example}`,
  ].join('\n');
}
