import { existsSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { type CrashPointName, crashPointTokenPath } from '../../src/chaos/crashPoints';
import { AV_FUNCTION } from '../../src/marketdata/alphavantage/parse';
import { sleep } from '../topology/ownedProcess';
import type { Topology } from '../topology/launcher';
import { type ConfigChangeSent, sendConfigChange } from './configChanges';
import { type ChaosBot, lateBot } from './fleet';
import { fellBackToSignal, type OperatorOutcome, sendUntilAccepted } from './operator';
import type { EventKind, Lane, PlannedEvent } from './schedule';

// Carries out a planned schedule on a launched topology: each event starts at its planned moment (or as soon
// after as its lane allows), and its record says when it really took effect and when the part was back. A
// supervisor restarts any part that died without being told to (a crash point's victim, a worker that gave up
// while Temporal was down) and records it.

export interface EventRecord {
  id: number;
  kind: EventKind;
  category: 'fault' | 'operator';
  lane: Lane;
  target: string;
  plannedAtMs: number;
  plannedDurationMs: number;
  /** Epoch ms when it took effect: the kill sent, the token claimed, the request accepted. Null: never. */
  injectedAt: number | null;
  /** Epoch ms when the part was back (restarted, resumed, answering again); null for operator actions. */
  endedAt: number | null;
  injected: boolean;
  detail: string;
  error?: string;
  operator?: OperatorOutcome;
}

export interface UnplannedExit {
  role: string;
  pid: number;
  noticedAt: number;
  /** crash-point (the pid claimed a token) or unexpected. */
  cause: string;
  restartedAt: number | null;
}

export interface OperatorSignal {
  botId: string;
  kind: 'stop' | 'start';
  eventId: number;
  acceptedAt: number | null;
  ambiguous: number;
}

export interface ExecutorOptions {
  topology: Topology;
  /** Epoch ms of the campaign's start: planned offsets count from here. */
  t0: number;
  tokensDir: string;
  workers: number;
  initialBots: number;
  log: (line: string) => void;
}

const AV_FUNCTIONS = Object.values(AV_FUNCTION);

export class FaultExecutor {
  readonly records: EventRecord[] = [];
  readonly unplanned: UnplannedExit[] = [];
  readonly signals: OperatorSignal[] = [];
  readonly configChanges: ConfigChangeSent[] = [];
  readonly created: { botId: string; config: ChaosBot; eventId: number; acceptedAt: number | null }[] = [];
  /** Who controls a part right now (a fault's id, or the supervisor); unowned parts are watched. */
  private readonly owners = new Map<string, string>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly deadSince = new Map<string, number>();
  private readonly seenClaims = new Set<string>();
  private supervising = false;
  private supervisor?: Promise<void>;

  constructor(private readonly o: ExecutorOptions) {}

  private get topology() {
    return this.o.topology;
  }

  private alive(role: string): { alive: boolean; pid: number } | undefined {
    return this.topology.processes().find((p) => p.name === role);
  }

  /** Runs every event of the schedule; resolves once each has finished. */
  async run(events: PlannedEvent[]): Promise<void> {
    this.startSupervisor();
    const running: Promise<void>[] = [];
    for (const event of events) {
      const wait = this.o.t0 + event.atMs - Date.now();
      if (wait > 0) await sleep(wait);
      running.push(this.enqueue(event));
    }
    await Promise.all(running);
  }

  /** Events of one chain (a lane, a worker slot, a bot) run one after the other, each no earlier than planned. */
  private enqueue(event: PlannedEvent): Promise<void> {
    const key =
      event.lane === 'operator' ? `bot:${event.target}` : event.lane === 'workers' ? event.target : event.lane;
    const record: EventRecord = {
      id: event.id,
      kind: event.kind,
      category: event.category,
      lane: event.lane,
      target: event.target,
      plannedAtMs: event.atMs,
      plannedDurationMs: event.durationMs,
      injectedAt: null,
      endedAt: null,
      injected: false,
      detail: '',
    };
    this.records.push(record);
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() =>
      this.execute(event, record).catch((err: unknown) => {
        record.error = (err as Error).message.split('\n')[0];
        this.o.log(`#${event.id} ${event.kind} ${event.target}: FAILED: ${record.error}`);
      }),
    );
    this.chains.set(key, next);
    return next;
  }

  private async execute(e: PlannedEvent, r: EventRecord): Promise<void> {
    const late = Date.now() - (this.o.t0 + e.atMs);
    switch (e.kind) {
      case 'worker-kill':
        await this.workerKill(e, r);
        break;
      case 'crash-point':
        await this.crashPoint(e, r);
        break;
      case 'temporal-restart':
        await this.owned('temporal', e, r, async () => {
          const exit = await this.topology.killTemporal();
          this.injected(r, `SIGKILL: ${exit.signal ?? exit.code}`);
          await sleep(e.durationMs);
          await this.retry('startTemporal', () => this.topology.startTemporal());
        });
        break;
      case 'postgres-crash':
        await this.owned('postgres', e, r, async () => {
          const exit = await this.topology.crashPostgres();
          this.injected(r, `immediate shutdown (SIGQUIT): ${exit.signal ?? exit.code}`);
          await sleep(e.durationMs);
          await this.retry('startPostgres', () => this.topology.startPostgres());
        });
        break;
      case 'postgres-pause':
        await this.owned('postgres', e, r, async () => {
          const pids = await this.topology.pausePostgres();
          this.injected(r, `SIGSTOP to ${pids.length} pids`);
          await sleep(e.durationMs);
          await this.topology.resumePostgres();
        });
        break;
      case 'api-restart':
        await this.owned('api', e, r, async () => {
          const exit = await this.topology.killApi('SIGKILL');
          this.injected(r, `SIGKILL: ${exit.signal ?? exit.code}`);
          await sleep(e.durationMs);
          await this.retry('startApi', () => this.topology.startApi());
        });
        break;
      case 'alphavantage-hang':
      case 'alphavantage-500': {
        const behaviour = e.kind === 'alphavantage-hang' ? 'hang' : 'http-500';
        for (const fn of AV_FUNCTIONS) this.topology.alphaVantage.respondWith(fn, behaviour);
        this.injected(r, `every request answered ${behaviour}`);
        await sleep(e.durationMs);
        for (const fn of AV_FUNCTIONS) this.topology.alphaVantage.respondWith(fn, 'ok');
        r.endedAt = Date.now();
        break;
      }
      case 'stop-bot':
      case 'start-bot':
        await this.signal(e, r, e.kind === 'stop-bot' ? 'stop' : 'start');
        break;
      case 'create-bot':
        await this.createBot(e, r);
        break;
      case 'config-change':
        await this.configChange(e, r);
        break;
    }
    if (late > 1000) r.detail += ` (started ${(late / 1000).toFixed(1)} s late: its lane was busy)`;
    this.o.log(`#${e.id} ${e.kind} ${e.target}: ${r.injected ? 'done' : 'NOT injected'}: ${r.detail.trim()}`);
  }

  private injected(r: EventRecord, detail: string): void {
    r.injected = true;
    r.injectedAt = Date.now();
    r.detail = detail;
  }

  /** Holds `role` for the fault's whole duration, so the supervisor leaves it alone. */
  private async owned(role: string, e: PlannedEvent, r: EventRecord, act: () => Promise<void>): Promise<void> {
    await this.acquire(role, `#${e.id}`);
    try {
      await act();
      r.endedAt = Date.now();
    } finally {
      this.owners.delete(role);
    }
  }

  /** Waits until `role` is alive and nobody else controls it, then takes it. */
  private async acquire(role: string, owner: string, timeoutMs = 300_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.owners.has(role) || !this.alive(role)?.alive) {
      if (Date.now() > deadline) throw new Error(`${role} was not up and free within ${timeoutMs / 1000} s`);
      await sleep(100);
    }
    this.owners.set(role, owner);
  }

  /** Restarts keep trying while a service they need is down (a worker or the API cannot start without both). */
  private async retry<T>(what: string, start: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (err) {
        if (Date.now() > deadline) throw err;
        // The message's first line says what failed; its last (the log's tail) says why.
        const lines = (err as Error).message.split('\n').filter((l) => l.trim());
        const why = lines.length > 1 ? ` ${lines[lines.length - 1].trim().slice(0, 200)}` : '';
        this.o.log(`${what} attempt ${attempt} failed (${lines[0]}${why}): trying again`);
        await sleep(2000);
      }
    }
  }

  private async restartWorker(slot: number): Promise<number> {
    return this.retry(`startWorker(${slot})`, async () => {
      // A start that timed out leaves its process up: clear the slot first.
      if (this.alive(`worker-${slot}`)?.alive) await this.topology.killWorker(slot, 'SIGKILL');
      return this.topology.startWorker(slot);
    });
  }

  private async workerKill(e: PlannedEvent, r: EventRecord): Promise<void> {
    const role = e.target;
    const slot = Number(role.slice('worker-'.length));
    await this.owned(role, e, r, async () => {
      const pid = this.alive(role)!.pid;
      const exit = await this.topology.killWorker(slot, 'SIGKILL');
      this.injected(r, `pid ${pid} SIGKILL: ${exit.signal ?? exit.code}`);
      await sleep(e.durationMs);
      const newPid = await this.restartWorker(slot);
      r.detail += `; restarted after ${(e.durationMs / 1000).toFixed(1)} s as pid ${newPid}`;
    });
  }

  /** Claims already made (pid, epoch ms) for a crash point's tokens. */
  private claims(point: CrashPointName): { file: string; pid: number; at: number }[] {
    const re = new RegExp(`^${point.replace('.', '\\.')}\\.hit-(\\d+)-(\\d+)$`);
    return readdirSync(this.o.tokensDir).flatMap((file) => {
      const m = re.exec(file);
      return m ? [{ file, pid: Number(m[1]), at: Number(m[2]) }] : [];
    });
  }

  private async crashPoint(e: PlannedEvent, r: EventRecord): Promise<void> {
    const point = e.target as CrashPointName;
    const token = crashPointTokenPath(this.o.tokensDir, point);
    const before = new Set(this.claims(point).map((c) => c.file));
    writeFileSync(token, `event ${e.id}\n`);
    const deadline = Date.now() + 90_000;
    let claim: { file: string; pid: number; at: number } | undefined;
    while (!(claim = this.claims(point).find((c) => !before.has(c.file)))) {
      if (Date.now() > deadline) {
        try {
          unlinkSync(token);
          r.detail = `no worker passed ${point} within 90 s of the token: not hit`;
          return;
        } catch {
          // claimed just now: look again
        }
      }
      await sleep(100);
    }
    this.seenClaims.add(claim.file);
    r.injected = true;
    r.injectedAt = claim.at;
    const victim = this.topology.processes().find((p) => p.pid === claim.pid && p.name.startsWith('worker-'));
    if (!victim) {
      r.detail = `hit by pid ${claim.pid}, which is not a worker the launcher knows`;
      r.endedAt = Date.now();
      return;
    }
    r.detail = `hit by ${victim.name} pid ${claim.pid}`;
    const slot = Number(victim.name.slice('worker-'.length));
    if (this.owners.has(victim.name)) {
      // A kill of the same worker was under way: its owner restarts it; the fault ends when the slot is back.
      while (this.owners.has(victim.name) || !this.alive(victim.name)?.alive) await sleep(200);
      r.endedAt = Date.now();
      return;
    }
    this.owners.set(victim.name, `#${e.id}`);
    try {
      const deadAt = Date.now() + 10_000;
      while (this.alive(victim.name)?.pid === claim.pid && this.alive(victim.name)?.alive && Date.now() < deadAt) {
        await sleep(50);
      }
      await sleep(e.durationMs);
      const newPid = await this.restartWorker(slot);
      r.detail += `; restarted after ${(e.durationMs / 1000).toFixed(1)} s as pid ${newPid}`;
      r.endedAt = Date.now();
    } finally {
      this.owners.delete(victim.name);
    }
  }

  private async signal(e: PlannedEvent, r: EventRecord, kind: 'stop' | 'start'): Promise<void> {
    const outcome = fellBackToSignal(
      await sendUntilAccepted(
        this.topology.apiUrl,
        'POST',
        `/api/bots/${e.target}/${kind}`,
        undefined,
        // 200: applied as an update; 202: no worker in time, recorded as the signal (applied when one runs).
        (s) => s === 200 || s === 202,
      ),
    );
    r.operator = outcome;
    this.signals.push({
      botId: e.target,
      kind,
      eventId: e.id,
      acceptedAt: outcome.acceptedAt,
      ambiguous: outcome.ambiguous,
    });
    if (outcome.acceptedAt !== null) this.injected(r, `${kind} accepted after ${outcome.attempts} attempt(s)`);
    else r.detail = outcome.note ?? 'not accepted';
    r.injectedAt = outcome.acceptedAt;
  }

  private async configChange(e: PlannedEvent, r: EventRecord): Promise<void> {
    const { sent, outcome, asPlanned } = await sendConfigChange(this.topology.apiUrl, e);
    r.operator = outcome;
    this.configChanges.push(sent);
    const body = JSON.stringify(sent.body);
    if (asPlanned) {
      const what = sent.valid ? 'applied' : 'refused';
      this.injected(r, `${body} ${what} (HTTP ${outcome.status}) after ${outcome.attempts} attempt(s)`);
    } else r.detail = `${body} answered ${outcome.status ?? 'nothing'}: ${outcome.note ?? 'not as planned'}`;
    r.injectedAt = asPlanned ? outcome.acceptedAt : null;
  }

  private async createBot(e: PlannedEvent, r: EventRecord): Promise<void> {
    const k = Number(/^new(\d+)-/.exec(e.target)?.[1]);
    const bot = lateBot(k, this.o.initialBots);
    const outcome = await sendUntilAccepted(
      this.topology.apiUrl,
      'POST',
      '/api/bots',
      bot,
      (s) => s === 201,
      120_000,
      (a) => a.status === 409 && (a.body as { error?: string } | null)?.error === 'bot_exists',
    );
    r.operator = outcome;
    this.created.push({ botId: bot.id, config: bot, eventId: e.id, acceptedAt: outcome.acceptedAt });
    if (outcome.acceptedAt !== null) {
      this.injected(
        r,
        `created (${bot.marketDataMode}, every ${bot.intervalSeconds} s) after ${outcome.attempts} attempt(s)`,
      );
    } else r.detail = outcome.note ?? 'not accepted';
  }

  /** Every second: a part that is down and nobody's business was not killed by the schedule: restart it. */
  private startSupervisor(): void {
    this.supervising = true;
    const roles = ['temporal', 'postgres', 'api', ...Array.from({ length: this.o.workers }, (_, i) => `worker-${i}`)];
    this.supervisor = (async () => {
      while (this.supervising) {
        for (const role of roles) {
          const p = this.alive(role);
          if (!p || p.alive || this.owners.has(role)) {
            this.deadSince.delete(role);
            continue;
          }
          const since = this.deadSince.get(role) ?? Date.now();
          this.deadSince.set(role, since);
          if (Date.now() - since < 3000) continue;
          this.owners.set(role, 'supervisor');
          void this.restartUnplanned(role, p.pid).finally(() => this.owners.delete(role));
        }
        await sleep(1000);
      }
    })();
  }

  private async restartUnplanned(role: string, pid: number): Promise<void> {
    const claimed = (['execution.afterFill', 'learning.afterJournal'] as const).some((point) =>
      this.claims(point).some((c) => c.pid === pid),
    );
    const exit: UnplannedExit = {
      role,
      pid,
      noticedAt: Date.now(),
      cause: claimed ? 'crash-point' : 'unexpected',
      restartedAt: null,
    };
    this.unplanned.push(exit);
    this.o.log(`supervisor: ${role} (pid ${pid}) is down (${exit.cause}): restarting it`);
    try {
      if (role === 'temporal') await this.retry('startTemporal', () => this.topology.startTemporal());
      else if (role === 'postgres') await this.retry('startPostgres', () => this.topology.startPostgres());
      else if (role === 'api') await this.retry('startApi', () => this.topology.startApi());
      else await this.restartWorker(Number(role.slice('worker-'.length)));
      exit.restartedAt = Date.now();
    } catch (err) {
      this.o.log(`supervisor: could not restart ${role}: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /** Stops watching; waits for restarts under way. */
  async stopSupervisor(): Promise<void> {
    this.supervising = false;
    await this.supervisor;
    while (this.owners.size > 0) await sleep(200);
  }

  /** Every part up (the campaign ends with the whole topology running). */
  allUp(): boolean {
    return this.topology.processes().every((p) => p.alive);
  }

  /** Crash-point tokens nobody claimed (should be none: each was either hit or withdrawn). */
  leftoverTokens(): string[] {
    return (['execution.afterFill', 'learning.afterJournal'] as const).filter((p) =>
      existsSync(crashPointTokenPath(this.o.tokensDir, p)),
    );
  }
}
