import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ToolEnvironment } from '../../src/config';
import { goInstall, isExecutable, PROJECT_ROOT } from '../../src/temporal/cli';

// The real Temporal server and its SQL schema tool, built from go.temporal.io/server with `go install` (as the
// CLI is, src/temporal/cli.ts) into an ignored directory named after the version, so a version bump builds anew.
// v1.29 is the newest line this machine's Go (1.26) builds; the CLI v1.5.1 embeds the same server module, so
// most of the Go build cache is shared with the CLI's build.

export const SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';
export const SERVER_BIN_DIR = path.join(PROJECT_ROOT, '.temporal', `server-${SERVER_VERSION}`);

/** Package path in the module -> the name `go install` gives it -> the name it gets here. */
const BINARIES = {
  server: { pkg: 'cmd/server', built: 'server', file: 'temporal-server' },
  sqlTool: { pkg: 'cmd/tools/sql', built: 'sql', file: 'temporal-sql-tool' },
} as const;

export type ServerBinaries = Record<keyof typeof BINARIES, string>;

function binaryPaths(dir: string): ServerBinaries {
  return { server: path.join(dir, BINARIES.server.file), sqlTool: path.join(dir, BINARIES.sqlTool.file) };
}

/** The binaries when both are built, else undefined. */
export function findServerBinaries(dir = SERVER_BIN_DIR): ServerBinaries | undefined {
  const paths = binaryPaths(dir);
  return Object.values(paths).every(isExecutable) ? paths : undefined;
}

/** The launcher's check: it never builds (minutes of CPU), it says how to. */
export function requireServerBinaries(dir = SERVER_BIN_DIR): ServerBinaries {
  const found = findServerBinaries(dir);
  if (!found) {
    throw new Error(
      `no Temporal server build in ${dir}: run \`npm run temporal-server:build\` once (needs Go; a few minutes)`,
    );
  }
  return found;
}

/** Idempotent: builds only what is missing. Both in one `go install`, renamed only once complete. */
export async function buildServerBinaries(opts: {
  tools: ToolEnvironment;
  log: (msg: string) => void;
  signal?: AbortSignal;
  dir?: string;
}): Promise<ServerBinaries> {
  const dir = opts.dir ?? SERVER_BIN_DIR;
  const found = findServerBinaries(dir);
  if (found) {
    opts.log(`Temporal server ${SERVER_VERSION} already built in ${dir}`);
    return found;
  }
  // A directory of this build's own: two builds at once (CI's build step beside a test that builds when missing)
  // both succeed, each renaming complete binaries over the other's (rename is atomic).
  const gobin = path.join(dir, `.go-install-${process.pid}`);
  try {
    await goInstall({
      what: `the Temporal server ${SERVER_VERSION} and its SQL tool`,
      modules: Object.values(BINARIES).map((b) => `${MODULE}/${b.pkg}@${SERVER_VERSION}`),
      gobin,
      log: opts.log,
      tools: opts.tools,
      signal: opts.signal,
    });
    for (const b of Object.values(BINARIES)) renameSync(path.join(gobin, b.built), path.join(dir, b.file));
  } finally {
    rmSync(gobin, { recursive: true, force: true }); // a failed or aborted build leaves no directory behind
  }
  return requireServerBinaries(dir);
}
