import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync, writeSync } from 'node:fs';

// One OS process the launcher started and owns: its pid, its log file (shared by every incarnation of the same
// role, each marked by a header line), how it exited, and the ways to stop it.

export type RoleName = 'api' | 'temporal' | 'postgres' | `worker-${number}`;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface OwnedProcess {
  name: RoleName;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Byte offset in logFile where this incarnation's output starts. */
  logOffset: number;
  exited: Promise<Exit>;
  /** Set once it has exited. */
  exit?: Exit;
}

export interface SpawnSpec {
  name: RoleName;
  command: string;
  args: string[];
  logFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user (Postgres refuses root). */
  user?: { uid: number; gid: number };
  /** Node children only: an IPC channel for heap stats and for noticing that the launcher is gone. */
  ipc?: boolean;
}

export function spawnOwned(spec: SpawnSpec): OwnedProcess {
  const fd = openSync(spec.logFile, 'a');
  try {
    writeSync(fd, `--- ${new Date().toISOString()} launcher: ${spec.command} ${spec.args.join(' ')}\n`);
    const logOffset = statSync(spec.logFile).size;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      // Own process group: a terminal's Ctrl-C reaches only the launcher, which then stops the parts in order.
      detached: true,
      stdio: spec.ipc ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
      ...(spec.user ?? {}),
    });
    child.on('error', () => undefined); // a failed spawn is reported below, through the missing pid
    if (child.pid === undefined) throw new Error(`could not start ${spec.name}: ${spec.command} was not found`);
    const owned: OwnedProcess = {
      name: spec.name,
      pid: child.pid,
      child,
      logFile: spec.logFile,
      logOffset,
      exited: new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    };
    void owned.exited.then((exit) => (owned.exit = exit));
    return owned;
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

/** Alive and not a zombie: a reparented grandchild that nobody reaps must not count as running. */
export function isAlive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const state = afterCommand(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0];
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The fields of a /proc/<pid>/stat line after the command name, which may hold spaces and parentheses. */
function afterCommand(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * When the process started (clock ticks since boot), to tell it from a later process that reuses its pid;
 * undefined once it is gone (or a zombie).
 */
export function startTimeOf(pid: number): string | undefined {
  try {
    const fields = afterCommand(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** Process identities (pid -> start time) still running after up to `timeoutMs`. */
export async function stillRunning(identities: Map<number, string | undefined>, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = [...identities].filter(([pid, start]) => start !== undefined && startTimeOf(pid) === start);
    if (alive.length === 0 || Date.now() > deadline) return alive.map(([pid]) => pid);
    await sleep(100);
  }
}

/** Direct children of `pid`, from /proc (Postgres backends and helpers of a postmaster). */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [state, ppid] = afterCommand(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (Number(ppid) === pid && state !== 'Z') found.push(Number(entry));
    } catch {
      // it exited while we looked
    }
  }
  return found;
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The exit, or undefined when it is still running after `timeoutMs`. */
export async function exitWithin(p: OwnedProcess, timeoutMs: number): Promise<Exit | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `sig`, waits up to `graceMs`, then SIGKILLs; resolves with how it exited. */
export async function terminate(p: OwnedProcess, sig: NodeJS.Signals, graceMs: number): Promise<Exit> {
  if (p.exit) return p.exit;
  signal(p.pid, sig);
  const exit = await exitWithin(p, graceMs);
  if (exit) return exit;
  signal(p.pid, 'SIGKILL');
  return p.exited;
}

/** What this incarnation has written to its log so far. */
export function logSince(p: OwnedProcess): string {
  const fd = openSync(p.logFile, 'r');
  try {
    const size = statSync(p.logFile).size;
    const buffer = Buffer.alloc(Math.max(0, size - p.logOffset));
    readSync(fd, buffer, 0, buffer.length, p.logOffset);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function logTail(p: OwnedProcess, lines = 30): string {
  return logSince(p).split('\n').slice(-lines).join('\n');
}

/**
 * Polls `ready` until it answers true; fails early, with the log's tail, if the process exits first, and at
 * `timeoutMs` otherwise.
 */
export async function waitUntilReady(
  p: OwnedProcess,
  what: string,
  ready: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.exit) {
      throw new Error(
        `${p.name} (pid ${p.pid}) exited (code ${p.exit.code}, signal ${p.exit.signal}) before ${what}:\n${logTail(p)}`,
      );
    }
    if (await Promise.resolve(ready()).catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${p.name} (pid ${p.pid}): timed out waiting for ${what}:\n${logTail(p)}`);
    await sleep(200);
  }
}
