// `npm run whatif -- --bot <id> --strategy <name> [--params k=v,...] [--from N --to M]` (see src/whatif/args.ts).
import { loadConfig } from '../src/config';
import { httpApi, runWhatIfCli } from '../src/whatif/cli';

const { host, port, token } = loadConfig().api;

runWhatIfCli(process.argv.slice(2), {
  post: httpApi(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, token),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error('[whatif] failed:', err);
    process.exitCode = 1;
  },
);
