import { startFakeAlphaVantage } from '../tests/support/fakeAlphaVantage';
import { parseFlags, UsageError } from './soak/args';

// A local stand-in for Alpha Vantage (the same one the tests use), to try live mode without a key or quota.

const USAGE = `Usage: npm run fake-alphavantage [-- --port N]

A local stand-in for Alpha Vantage with its real response bodies, to try live mode without a key or quota.

  --port N   where it listens on 127.0.0.1 (default 8787; 0 picks a free port)
  --help     this text

Example:
  npm run fake-alphavantage -- --port 8787
  ALPHAVANTAGE_API_KEY=local ALPHAVANTAGE_BASE_URL=http://127.0.0.1:8787/query npm start`;

async function main(): Promise<number> {
  let values;
  try {
    values = parseFlags(process.argv.slice(2), { port: { type: 'string' }, help: { type: 'boolean' } });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--port must be 0..65535, got ${String(values.port)}\n\n${USAGE}`);
    return 2;
  }
  const fake = await startFakeAlphaVantage({ port });
  console.log(`fake Alpha Vantage on ${fake.url} (Ctrl-C to stop)`);
  process.on('SIGINT', () => void fake.close().then(() => process.exit(0)));
  return -1; // keeps serving
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
