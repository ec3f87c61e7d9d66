import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { Guardian } from './guardian';
import {
  type Exit,
  type OwnedProcess,
  type RoleName,
  signal,
  startTimeOf,
  stillRunning,
  terminate,
} from './ownedProcess';
import { listeningPorts } from './ports';
import { type PostgresSpec, postgresFamily, signalFamily } from './postgresProcess';
import type { ServerSpec } from './serverConfig';
import type { DevServerSpec } from './temporalProcess';

// The running parts of one topology: which process holds each role, every pid and port ever used, the
// launcher.log, and the ordered teardown. The controls that start and kill parts (serviceControls.ts,
// nodeRoles.ts) all go through here, so a stop() during a start still finds every process.

export interface ProcessInfo {
  name: RoleName;
  pid: number;
  alive: boolean;
  logFile: string;
}

export interface PartsConfig {
  runDir: string;
  /** Owned services: absent when the caller gave an address or a URL. */
  postgres?: PostgresSpec;
  temporal?: TemporalSpec;
  apiUrl: string;
  apiPort: number;
  /** Environment of the API and the workers, their allocator included (API_HOST and API_PORT are added for the API). */
  appEnv: NodeJS.ProcessEnv;
  workerGraceMs: number;
  /** Stops Temporal and Postgres if the launching process dies without stop(). */
  guardian: Guardian;
  log?: (line: string) => void;
}

/** The launcher's own Temporal: the CLI's dev server (SQLite), or the real server on Postgres. */
export type TemporalSpec = ({ kind: 'dev' } & DevServerSpec) | ({ kind: 'server' } & ServerSpec);

export type Identities = Map<number, string | undefined>;

export class Parts {
  postgres?: OwnedProcess;
  temporal?: OwnedProcess;
  api?: OwnedProcess;
  readonly workers: (OwnedProcess | undefined)[] = [];
  /** Every process started and every Postgres child seen (pid -> start time): teardown proves none is left. */
  readonly pids: Identities = new Map();
  readonly ports = new Set<number>();
  /** The real server's config and databases are set up: they outlive a kill, so a restart skips the setup. */
  temporalPrepared = false;
  /** Processes stopped on purpose: any other exit is logged as unexpected. */
  private readonly expected = new Set<OwnedProcess>();
  private closed = false;

  constructor(readonly config: PartsConfig) {}

  log(message: string): void {
    const line = `${new Date().toISOString()} ${message}`;
    appendFileSync(path.join(this.config.runDir, 'launcher.log'), `${line}\n`);
    this.config.log?.(line);
  }

  /** Runs one action and logs one line with its outcome and duration. */
  async timed<T>(action: string, run: () => Promise<T>, outcome: (result: T) => string): Promise<T> {
    const started = Date.now();
    try {
      const result = await run();
      this.log(`${action}: ${outcome(result)} in ${Date.now() - started} ms`);
      return result;
    } catch (err) {
      this.log(`${action}: FAILED after ${Date.now() - started} ms: ${(err as Error).message.split('\n')[0]}`);
      throw err;
    }
  }

  /** Records a process the moment it is spawned; refuses once teardown has begun (it would be left behind). */
  adopt(spawn: () => OwnedProcess): OwnedProcess {
    if (this.closed) throw new Error('the topology is stopping: nothing more is started');
    const p = spawn();
    const start = startTimeOf(p.pid);
    this.pids.set(p.pid, start);
    // Node children stop themselves when the launcher's IPC channel drops; the services need the guardian.
    if (p.name === 'temporal') this.config.guardian.watch(p.pid, start, 'SIGTERM');
    if (p.name === 'postgres') this.config.guardian.watch(p.pid, start, 'SIGINT', true);
    void p.exited.then((exit) => {
      this.config.guardian.unwatch(p.pid);
      if (!this.expected.has(p)) this.log(`${p.name} (pid ${p.pid}) exited unexpectedly: ${describeExit(exit)}`);
    });
    return p;
  }

  /** The ports a process listens on (a dev server's internal ones included), for the teardown check. */
  notePorts(p: OwnedProcess | undefined): void {
    if (p && !p.exit) for (const port of listeningPorts(p.pid)) this.ports.add(port);
  }

  /** Notes the postmaster's children (they come and go with connections) and returns them. */
  notePostgresFamily(): Identities {
    const family: Identities = new Map();
    if (this.postgres && !this.postgres.exit) {
      for (const pid of postgresFamily(this.postgres.pid)) family.set(pid, startTimeOf(pid));
    }
    for (const [pid, start] of family) this.pids.set(pid, start);
    return family;
  }

  /**
   * Once the postmaster is gone its children must be too; any left (it was SIGKILLed) die with its process
   * group, which it leads (detached spawn) and which cannot be recycled while a member lives.
   */
  async reapPostgresFamily(postmasterPid: number, family: Identities): Promise<void> {
    if ((await stillRunning(family, 5000)).length === 0) return;
    signal(-postmasterPid, 'SIGKILL');
    const left = await stillRunning(family, 5000);
    if (left.length) this.log(`postgres children still running after SIGKILL: ${left.join(', ')}`);
  }

  /** Signals a running part and waits for its exit (SIGKILL past `graceMs`). */
  kill(p: OwnedProcess | undefined, name: string, sig: NodeJS.Signals, graceMs: number): Promise<Exit> {
    if (!p || p.exit) throw new Error(`${name} is not running`);
    this.expected.add(p);
    return terminate(p, sig, graceMs);
  }

  assertStopped(p: OwnedProcess | undefined, name: string): void {
    if (p && !p.exit) throw new Error(`${name} is already running (pid ${p.pid})`);
  }

  all(): OwnedProcess[] {
    const list = [this.temporal, this.postgres, this.api, ...this.workers];
    return list.filter((p): p is OwnedProcess => p !== undefined);
  }

  processes(): ProcessInfo[] {
    return this.all().map((p) => ({ name: p.name, pid: p.pid, alive: !p.exit, logFile: p.logFile }));
  }

  /** API, then the workers (their grace), then Temporal, then Postgres (fast shutdown); anything stuck: SIGKILL. */
  async stopAll(): Promise<void> {
    this.closed = true;
    // A paused Postgres would not even see the fast-shutdown request: let it run first.
    if (this.postgres && !this.postgres.exit) signalFamily(this.postgres.pid, 'SIGCONT');
    for (const p of this.all()) this.notePorts(p);
    const family = this.notePostgresFamily();
    const stopping = async (p: OwnedProcess | undefined, sig: NodeJS.Signals, graceMs: number) => {
      if (!p || p.exit) return;
      const exit = await this.kill(p, p.name, sig, graceMs);
      this.log(`stop: ${p.name} (pid ${p.pid}) ${describeExit(exit)}`);
    };
    await stopping(this.api, 'SIGTERM', 15_000);
    await Promise.all(this.workers.map((w) => stopping(w, 'SIGTERM', this.config.workerGraceMs)));
    await stopping(this.temporal, 'SIGTERM', 15_000);
    const pg = this.postgres;
    await stopping(pg, 'SIGINT', 30_000);
    if (pg) await this.reapPostgresFamily(pg.pid, family);
  }

  /** Last resort when the launching process exits without stop(): synchronous, for an 'exit' handler. */
  killAllNow(): void {
    for (const p of this.all()) if (!p.exit) signal(p.pid, 'SIGKILL');
    if (this.postgres && !this.postgres.exit) signal(-this.postgres.pid, 'SIGKILL');
  }
}

export function describeExit(exit: Exit): string {
  return exit.signal ? `exited on ${exit.signal}` : `exited with code ${exit.code}`;
}

export function ownedSpec<T>(spec: T | undefined, what: string): T {
  if (!spec) throw new Error(`${what} was given by the caller, not started by the launcher: it is not ours to control`);
  return spec;
}
