import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCrashPoints } from '../../src/chaos/crashPoints';
import { parseChaosArgs, UsageError } from '../../scripts/chaos/args';
import { seededRng } from '../../scripts/chaos/rng';
import { initialFleet } from '../../scripts/chaos/fleet';
import { buildSchedule, type ChaosSchedule, formatSchedule } from '../../scripts/chaos/schedule';

// The chaos campaign's building blocks, without running one (`npm run chaos` does that, for minutes): the
// schedule is a pure function of its seed and options, the options are checked, and a crash point kills its
// process exactly when the chaos setting and a token say so, and is inert otherwise.

const ROOT = path.resolve(__dirname, '..', '..');

describe('the seeded schedule', () => {
  const options = { seed: '42', minutes: 2, workers: 2, bots: 4 };

  test('the same seed and options give the same schedule, to the millisecond', () => {
    const a = buildSchedule(options);
    const b = buildSchedule({ ...options });
    expect(b).toEqual(a);
    expect(formatSchedule(b)).toBe(formatSchedule(a));
  });

  test('another seed gives another schedule', () => {
    expect(buildSchedule({ ...options, seed: '43' }).events).not.toEqual(buildSchedule(options).events);
  });

  test('a 2-minute campaign plans what CI needs, all inside the fault window, services one at a time', () => {
    const s = buildSchedule(options);
    expect(s.planned['worker-kill']).toBeGreaterThanOrEqual(5);
    expect(s.planned['crash-point']).toBeGreaterThanOrEqual(1);
    expect(s.planned['postgres-crash']).toBeGreaterThanOrEqual(1);
    expect(s.planned['temporal-restart']).toBeGreaterThanOrEqual(1);
    for (const e of s.events) {
      expect(e.atMs).toBeGreaterThanOrEqual(s.window.startMs);
      expect(e.atMs + e.durationMs).toBeLessThanOrEqual(s.window.endMs);
    }
    const services = s.events.filter((e) => e.lane === 'services');
    for (let i = 1; i < services.length; i++) {
      expect(services[i].atMs).toBeGreaterThan(services[i - 1].atMs + services[i - 1].durationMs);
    }
    for (const p of s.events.filter((e) => e.kind === 'postgres-pause')) {
      expect(p.durationMs).toBeGreaterThanOrEqual(15_000);
      expect(p.durationMs).toBeLessThanOrEqual(30_000);
    }
  });

  test('a 25-minute campaign plans the long run: 50 kills, 5 restarts of each service, 5 pauses', () => {
    const s = buildSchedule({ ...options, minutes: 25 });
    expect(s.planned['worker-kill']).toBeGreaterThanOrEqual(50);
    expect(s.planned['temporal-restart']).toBeGreaterThanOrEqual(5);
    expect(s.planned['postgres-crash']).toBeGreaterThanOrEqual(5);
    expect(s.planned['postgres-pause']).toBeGreaterThanOrEqual(5);
  });

  test('config changes target bots that exist then, never the one stopped for good; about one in four is bad', () => {
    for (const minutes of [2, 25]) {
      const s = buildSchedule({ ...options, minutes });
      const changes = s.events.filter((e) => e.kind === 'config-change');
      expect(changes.length).toBe(Math.max(2, Math.ceil(minutes / 3)));
      const stoppedForGood = s.events
        .filter((e) => e.kind === 'stop-bot')
        .find(
          (stop) => !s.events.some((e) => e.kind === 'start-bot' && e.target === stop.target && e.atMs > stop.atMs),
        )!.target;
      const initial = initialFleet(options.bots).map((b) => b.id);
      const values = new Map<string, Record<string, unknown>>();
      for (const c of changes) {
        expect(c.target).not.toBe(stoppedForGood);
        const creation = s.events.find((e) => e.kind === 'create-bot' && e.target === c.target);
        expect(initial.includes(c.target) || (creation !== undefined && creation.atMs < c.atMs)).toBe(true);
        expect(c.change).toBeDefined();
        if (!c.change!.valid) continue;
        // A good change sets one harmless field (never the cadence) to a value other than the one planned before.
        const [[field, value]] = Object.entries(c.change!.body);
        expect(['cyclesPerRun', 'marketDataMaxAttempts']).toContain(field);
        expect(values.get(c.target)?.[field]).not.toBe(value);
        values.set(c.target, { ...values.get(c.target), [field]: value });
      }
      const bad = changes.filter((c) => !c.change!.valid).length;
      expect(bad).toBe(Math.max(1, Math.round(changes.length / 4)));
    }
  });

  test('config changes draw from their own stream: the committed 25-minute run keeps every other event', () => {
    const committed = JSON.parse(
      readFileSync(path.join(ROOT, 'docs', 'chaos', 'run-25min', 'schedule.json'), 'utf8'),
    ) as ChaosSchedule;
    const s = buildSchedule({ seed: committed.seed, minutes: 25, workers: committed.workers, bots: committed.bots });
    // Ids are positions in time order, so they shift around the new events; when, what and where do not.
    const others = (events: ChaosSchedule['events']) =>
      events.filter((e) => e.kind !== 'config-change').map(({ id: _id, ...e }) => e);
    expect(others(s.events)).toEqual(others(committed.events));
    const { 'config-change': changes, ...planned } = s.planned;
    expect(planned).toEqual({ ...committed.planned, 'config-change': undefined });
    expect(changes).toBeGreaterThan(0);
  });

  test('the generator is deterministic and spread over [0, 1)', () => {
    const a = seededRng('x');
    const b = seededRng('x');
    const draws = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.filter((d) => d < 0.5).length).toBeGreaterThan(400);
  });
});

describe('npm run chaos options', () => {
  test('defaults, with a random seed when none is given', () => {
    const args = parseChaosArgs([])!;
    expect(args).toMatchObject({ minutes: 2, workers: 2, bots: 4, seedGiven: false, dryRun: false });
    expect(args.seed).toMatch(/^\d+$/);
    expect(parseChaosArgs(['--seed', '42', '--minutes', '25'])).toMatchObject({ seed: '42', minutes: 25 });
    expect(parseChaosArgs(['--temporal', 'server', '--history-shards', '1'])).toMatchObject({
      temporal: 'server',
      historyShards: 1,
    });
    expect(parseChaosArgs(['--temporal', 'server'])).not.toHaveProperty('historyShards');
  });

  test('--help answers null (print the usage)', () => {
    expect(parseChaosArgs(['--help'])).toBeNull();
  });

  test.each([
    [['--frobnicate'], /--frobnicate/],
    [['--minutes', '1'], /--minutes must be between 2/],
    [['--workers', '1'], /--workers must be between 2/],
    [['--bots', 'x'], /--bots must be a whole number/],
    [['--seed', 'a b'], /--seed must be/],
    [['stray'], /stray/],
    [['--history-shards', '1'], /--history-shards applies to --temporal server only/],
    [['--temporal', 'remote'], /--temporal remote: this campaign kills and restarts Temporal/],
    [['--temporal', 'remote', '--history-shards', '4'], /--temporal remote: this campaign/],
    [['--temporal', 'server', '--history-shards', '0'], /--history-shards must be a positive whole number/],
    [['--temporal', 'server', '--history-shards', '2048'], /--history-shards must be at most 1024/],
  ])('%j is a usage error naming the problem', (argv, message) => {
    expect(() => parseChaosArgs(argv)).toThrow(UsageError);
    expect(() => parseChaosArgs(argv)).toThrow(message);
  });
});

describe('crash points', () => {
  test('the setting is parsed strictly', () => {
    expect(parseCrashPoints('execution.afterFill:0.2,learning.afterJournal:0.5')).toEqual({
      points: { 'execution.afterFill': 0.2, 'learning.afterJournal': 0.5 },
    });
    expect(parseCrashPoints('execution.afterFill,tokens=/tmp/x')).toEqual({
      points: { 'execution.afterFill': 1 },
      tokensDir: '/tmp/x',
    });
    expect(() => parseCrashPoints('execution.afterFil:0.2')).toThrow(/unknown entry/);
    expect(() => parseCrashPoints('execution.afterFill:2')).toThrow(/probability/);
  });

  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ooda-crashpoint-'));
    writeFileSync(
      path.join(dir, 'probe.ts'),
      `import { armCrashPoints, crashPoint } from ${JSON.stringify(path.join(ROOT, 'src', 'chaos', 'crashPoints'))};\n` +
        `import { loadConfig } from ${JSON.stringify(path.join(ROOT, 'src', 'config'))};\n` +
        // What a worker does at start (src/runtime/workerPart.ts).
        `armCrashPoints(loadConfig().chaos.crashPoints);\n` +
        `console.log(crashPoint('execution.afterFill', 'returned'));\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const probe = (setting: string | undefined) => {
    const env = { ...process.env };
    delete env.OODA_CHAOS_CRASH_POINTS;
    if (setting !== undefined) env.OODA_CHAOS_CRASH_POINTS = setting;
    // `node --import tsx`, not the tsx binary: that one runs node as its child and would hide the signal.
    return spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, 'probe.ts')], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
  };

  test('inert without the setting: the value passes through', () => {
    const run = probe(undefined);
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe('returned');
  });

  test('with tokens: alive while there is none, SIGKILLed by the one token, which it claims', () => {
    const tokens = path.join(dir, 'tokens');
    rmSync(tokens, { recursive: true, force: true });
    mkdirSync(tokens);
    const setting = `execution.afterFill,learning.afterJournal,tokens=${tokens}`;
    expect(probe(setting).stdout.trim()).toBe('returned');

    writeFileSync(path.join(tokens, 'execution.afterFill'), 'one hit\n');
    const hit = probe(setting);
    expect(hit.signal).toBe('SIGKILL');
    expect(hit.stdout).toBe('');
    expect(hit.stderr).toMatch(/\[chaos\] crash point execution\.afterFill hit: SIGKILL to pid \d+/);
    expect(existsSync(path.join(tokens, 'execution.afterFill'))).toBe(false);
    expect(readdirSync(tokens)).toEqual([expect.stringMatching(/^execution\.afterFill\.hit-\d+-\d+$/)]);

    // The token is spent: the next pass lives.
    expect(probe(setting).stdout.trim()).toBe('returned');
  });

  test('with probability 1 and no tokens it always fires; with 0 never', () => {
    expect(probe('execution.afterFill:1').signal).toBe('SIGKILL');
    expect(probe('execution.afterFill:0').stdout.trim()).toBe('returned');
  });
});
