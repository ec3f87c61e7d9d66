import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isStatsReport, type StatsReport, type StatsRequest } from '../../src/runtime/processStats';
import { logSince, type OwnedProcess, type RoleName, spawnOwned, waitUntilReady } from './ownedProcess';

// The app's own processes, the API and the workers: the compiled entry points under dist/, each with an IPC
// channel (heap figures; and a child whose launcher dies stops itself, see src/runtime/processStats.ts).

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(PROJECT_ROOT, 'dist');

/** The variables through which the app is configured: a launcher sets them, the parent's must not leak in. */
const APP_VARIABLES = /^(TEMPORAL_|DATABASE_URL|ALPHAVANTAGE_|MARKET_DATA_MODE|API_|DATA_DIR|EMBEDDED_POSTGRES_)/;

export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!APP_VARIABLES.test(name)) base[name] = value;
  return { ...base, ...env };
}

/**
 * Compiles src/ into dist/ once, so N workers start from the same build instead of each racing `npm run worker`
 * rebuilds. Type errors elsewhere in the tree do not stop tsc from emitting: they are reported, not fatal,
 * as long as the entry points exist.
 */
export async function buildDist(log: (line: string) => void): Promise<void> {
  const tsc = require.resolve('typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code === 0) return;
  const head = output.trim().split('\n').slice(0, 10).join('\n');
  const entries = ['workerMain.js', 'apiMain.js'].map((file) => path.join(DIST, file));
  if (!entries.every((file) => existsSync(file))) throw new Error(`build failed:\n${head}`);
  log(`build: tsc reported errors in the tree (dist/ emitted anyway):\n${head}`);
}

export interface NodeRoleSpec {
  name: RoleName;
  entry: 'workerMain.js' | 'apiMain.js';
  env: NodeJS.ProcessEnv;
  logFile: string;
}

export function spawnNodeRole(spec: NodeRoleSpec): OwnedProcess {
  return spawnOwned({
    name: spec.name,
    command: process.execPath,
    args: [path.join(DIST, spec.entry)],
    logFile: spec.logFile,
    cwd: PROJECT_ROOT,
    env: spec.env,
    ipc: true,
  });
}

/** A worker is up once it logs that it polls its task queue (after bundling the workflows: seconds). */
export async function waitForWorker(worker: OwnedProcess, timeoutMs = 120_000): Promise<void> {
  await waitUntilReady(
    worker,
    'polling its task queue',
    () => logSince(worker).includes('worker: polling task queue'),
    timeoutMs,
  );
}

export async function waitForApi(api: OwnedProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const healthy = async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200;
  await waitUntilReady(api, `${url}/healthz to answer 200`, healthy, timeoutMs);
}

/**
 * Heap figures over IPC, after a full collection when `collect` (StatsRequest); null when the child does not
 * answer within `timeoutMs` (busy, stopped, or gone).
 */
export function requestStats(
  p: OwnedProcess,
  opts: { collect?: boolean; timeoutMs?: number } = {},
): Promise<StatsReport | null> {
  const { collect = false, timeoutMs = 2000 } = opts;
  const { child } = p;
  if (p.exit || !child.connected) return Promise.resolve(null);
  return new Promise((resolve) => {
    const done = (report: StatsReport | null) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(report);
    };
    const onMessage = (message: unknown) => {
      if (isStatsReport(message)) done(message);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    child.on('message', onMessage);
    const request: StatsRequest = { type: 'stats?', collect };
    child.send(request, (err) => err && done(null));
  });
}
