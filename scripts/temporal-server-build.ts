// `npm run temporal-server:build`: builds the real Temporal server and temporal-sql-tool once (see
// scripts/topology/serverBinaries.ts); a second run finds them and builds nothing.
import { toolEnvironment } from '../src/config';
import { parseFlags, UsageError } from './soak/args';
import { buildServerBinaries, SERVER_BIN_DIR, SERVER_VERSION } from './topology/serverBinaries';

const USAGE = `npm run temporal-server:build [-- --help]

Builds go.temporal.io/server ${SERVER_VERSION} (the server and temporal-sql-tool) with \`go install\` into
${SERVER_BIN_DIR}, for the launcher's \`--temporal server\` (npm run soak, chaos, bench). Needs Go; the first
build takes minutes of CPU (it runs under nice); when both binaries exist it does nothing.

  --help   this text

Example: npm run temporal-server:build`;

async function main(): Promise<number> {
  try {
    if (parseFlags(process.argv.slice(2), { help: { type: 'boolean' } }).help) {
      console.log(USAGE);
      return 0;
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  const built = await buildServerBinaries({
    tools: toolEnvironment(),
    log: (m) => console.log(`[temporal-server] ${m}`),
  });
  console.log(`[temporal-server] ${built.server}\n[temporal-server] ${built.sqlTool}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('[temporal-server] build failed:', err);
    process.exit(1);
  },
);
