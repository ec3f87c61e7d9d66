import { startFakeAlphaVantage } from '../tests/support/fakeAlphaVantage';

// A local stand-in for Alpha Vantage (the same one the tests use), to try live mode without a key or quota:
//   npm run fake-alphavantage -- --port 8787
//   ALPHAVANTAGE_API_KEY=local ALPHAVANTAGE_BASE_URL=http://127.0.0.1:8787/query npm start

async function main(): Promise<void> {
  const at = process.argv.indexOf('--port');
  const port = at >= 0 ? Number(process.argv[at + 1]) : 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0..65535`);
  const fake = await startFakeAlphaVantage({ port });
  console.log(`fake Alpha Vantage on ${fake.url} (Ctrl-C to stop)`);
  process.on('SIGINT', () => void fake.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
