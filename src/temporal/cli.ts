import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ToolEnvironment } from '../config';

// Where the `temporal` CLI (the dev server with the web UI) comes from, in order:
// TEMPORAL_CLI_PATH, `temporal` on PATH, .temporal/bin/temporal, a `go install` into .temporal/bin when Go is
// present, else nothing: the caller lets the SDK download it (machines with internet). The PATH searched and the
// environment `go` runs in are handed in by the callers, from src/config.ts (toolEnvironment).

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const LOCAL_CLI = path.join(PROJECT_ROOT, '.temporal', 'bin', 'temporal');
/** Later tags carry a `replace` directive in go.mod and refuse `go install`. */
export const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export type CliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'local' | 'built' | 'sdk-download';

export async function findTemporalCli(opts: {
  configuredPath?: string;
  tools: ToolEnvironment;
  build?: boolean;
  log?: (msg: string) => void;
  /** Aborts a build in progress (Ctrl-C during the first start): the `go` process is killed. */
  signal?: AbortSignal;
}): Promise<{ path?: string; source: CliSource }> {
  const log = opts.log ?? (() => undefined);
  if (opts.configuredPath) {
    if (!isExecutable(opts.configuredPath)) {
      throw new Error(`TEMPORAL_CLI_PATH=${opts.configuredPath} is not an executable file`);
    }
    return { path: opts.configuredPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', opts.tools.searchPath);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  if (isExecutable(LOCAL_CLI)) return { path: LOCAL_CLI, source: 'local' };
  if (opts.build !== false && spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0) {
    await buildCli(log, opts.tools, LOCAL_CLI, opts.signal);
    return { path: LOCAL_CLI, source: 'built' };
  }
  return { source: 'sdk-download' };
}

/** `go install` of the CLI into the directory of `target`; exported for the abort test. */
export function buildCli(
  log: (msg: string) => void,
  tools: ToolEnvironment,
  target = LOCAL_CLI,
  signal?: AbortSignal,
): Promise<void> {
  return goInstall({
    what: 'the temporal CLI',
    modules: [CLI_MODULE],
    gobin: path.dirname(target),
    log,
    tools,
    signal,
  });
}

export interface GoInstall {
  /** What is built, for the progress lines ("the temporal CLI"). */
  what: string;
  /** `path@version` of each package; one `go install` builds them all, sharing the compiled dependencies. */
  modules: string[];
  gobin: string;
  log: (msg: string) => void;
  tools: ToolEnvironment;
  /** Kills the `go` process group (a Ctrl-C during a first build). */
  signal?: AbortSignal;
}

/** `go install` into `gobin`, printing progress every 30 s; the first build of a Temporal module takes minutes. */
export async function goInstall(opts: GoInstall): Promise<void> {
  const { what, log, signal } = opts;
  signal?.throwIfAborted();
  mkdirSync(opts.gobin, { recursive: true });
  log(`building ${what}: go install ${opts.modules.join(' ')} (the first build takes a few minutes)...`);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const ticker = setInterval(() => log(`  still building ${what} (${seconds()}s)`), 30_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', ...opts.modules], {
        env: { ...opts.tools.inherited, GOBIN: opts.gobin },
        stdio: ['ignore', 'inherit', 'inherit'],
        // Its own process group, so an abort stops the compilers `go` started too.
        detached: true,
      });
      const onAbort = () => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (err) => reject(new Error(`building ${what} needs Go on PATH: ${err.message}`)));
      child.on('exit', (code) => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(new Error(`${what} build was stopped`));
        else if (code === 0) resolve();
        else reject(new Error(`go install exited with ${code}`));
      });
    });
  } finally {
    clearInterval(ticker);
  }
  log(`built ${what} into ${opts.gobin} in ${seconds()}s`);
}
