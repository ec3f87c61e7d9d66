import type { BotHistory, CycleRecord } from '../../../scripts/observe/histories';
import type { TaskStart } from '../../../scripts/observe/taskStarters';
import { judgeScaleOut, lastDisturbanceMs } from '../../../scripts/scaleout/analysis';
import type { ScaleOutRun } from '../../../scripts/scaleout/scenario';

// The scale-out verdict on made-up runs: one bot at 3 s for 3 minutes, three workers, two killed at 60 s.

const T0 = Date.UTC(2026, 11, 1, 23, 0, 0);
const KILL = T0 + 60_000;
const STOP = T0 + 180_000;
const PIDS = { 'worker-0': 101, 'worker-1': 102, 'worker-2': 103 };

function cycle(n: number, lagMs = 50): CycleRecord {
  const dueAtMs = T0 + (n - 1) * 3000;
  return {
    botId: 'b1',
    cycle: n,
    workflowId: `bot-b1-cycle-${n}`,
    dueAtMs,
    startedAtMs: dueAtMs + lagMs,
    closedAtMs: dueAtMs + lagMs + 200,
    outcome: 'completed',
  };
}

/** Slots 1..60 (due before STOP), with `late` slots started late and `skipped` ones never run. */
function bot(late: Record<number, number> = {}, skipped: number[] = [], skipAt = KILL + 12_000): BotHistory {
  const cycles = Array.from({ length: 60 }, (_, i) => i + 1)
    .filter((n) => !skipped.includes(n))
    .map((n) => cycle(n, late[n]));
  const skips = skipped.length
    ? [{ botId: 'b1', from: skipped[0], to: skipped[skipped.length - 1], at: new Date(skipAt).toISOString() }]
    : [];
  const run = { runId: 'r1', events: 0, bytes: 0, cycles: cycles.length, continuedAsNew: false, status: 'RUNNING' };
  return { botId: 'b1', runs: [{ ...run, workflowTaskFailures: 0 }], cycles, skips };
}

/** A workflow task every 3 s by the given pid before the kill (rotating over all three) and after it. */
function starts(afterPid = 103): TaskStart[] {
  return Array.from({ length: 60 }, (_, i) => {
    const atMs = T0 + i * 3000 + 100;
    const pid = atMs < KILL ? [101, 102, 103][i % 3] : afterPid;
    return {
      workflowId: `bot-b1-cycle-${i + 1}`,
      kind: 'workflow-task' as const,
      identity: `${pid}@host`,
      atMs,
      attempt: 1,
    };
  });
}

function run(b: BotHistory, s: TaskStart[] = starts()): ScaleOutRun {
  return {
    options: { bots: 1, intervalSeconds: 3, warmupSeconds: 60, aloneSeconds: 120 },
    runDir: '/tmp/x',
    killedAtMs: KILL,
    workerPids: PIDS,
    survivor: 'worker-2',
    killed: ['worker-0', 'worker-1'],
    observations: {
      startedAtMs: T0,
      stoppedAtMs: STOP - 1,
      intervalSeconds: 3,
      samples: [],
      bots: [b],
      children: [],
      audit: {
        accounts: 1,
        fills: 0,
        buys: 0,
        sells: 0,
        winningSells: 0,
        losingSells: 0,
        accountMismatches: [],
        duplicateOrders: [],
        duplicateFills: [],
        journalRows: b.cycles.length,
        missingJournal: [],
        orphanJournal: [],
      },
      equity: [],
      alphaVantageRequests: [],
    },
    starters: [{ starts: s, workflowTaskTimeoutsAt: [KILL + 10_000] }],
  };
}

const failing = (r: ScaleOutRun) =>
  judgeScaleOut(r, 60_000)
    .rows.filter((row) => row.pass !== true)
    .map((row) => row.key);

const lateFrom = (from: number, to: number, lagMs: number) =>
  Object.fromEntries(Array.from({ length: to - from + 1 }, (_, i) => [from + i, lagMs]));

test('when the first cycle after the kill starts 10 s late and three slots are skipped, recovery ends as it completes', () => {
  const b = bot({ 21: 10_000 }, [22, 23, 24], KILL + 10_200);
  expect(lastDisturbanceMs(run(b).observations, KILL)).toBe(KILL + 10_200);
  const { figures } = judgeScaleOut(run(b), 60_000);
  expect(figures.recoveryMs).toBe(10_200); // cycle 21: due at the kill, started 10 s late, 200 ms long
  expect(figures.lastDisturbanceMs).toBe(10_200);
  expect(figures.before).toMatchObject({ completed: 16, due: 16 }); // slots 6-21: the cold start is left out
  expect(figures.after).toMatchObject({ completed: 20, due: 20, lagP99Ms: 50 });
  expect(figures.workers.before).toEqual({ 'worker-0': 7, 'worker-1': 7, 'worker-2': 6 });
  expect(figures.workers.after).toEqual({ 'worker-2': 20 });
  expect(figures.afterKill.workflowTaskTimeouts).toBe(1);
  expect(failing(run(b))).toEqual([]);
});

test('a bot that completes no cycle started after the kill fails the recovery', () => {
  const r = run(
    bot(
      {},
      Array.from({ length: 40 }, (_, i) => 21 + i),
      KILL + 1000,
    ),
  );
  expect(judgeScaleOut(r, 60_000).figures.recoveryMs).toBeNull();
  expect(failing(r)).toEqual(['recovery', 'after.completed', 'after.lagP99']);
});

test('a slot skipped after the recovery window fails the cadence there', () => {
  const b = bot({}, [45], KILL + 75_000);
  expect(judgeScaleOut(run(b), 60_000).figures.lastDisturbanceMs).toBe(75_000);
  expect(failing(run(b))).toEqual(['after.completed']);
});

test('a late start after the window fails the lag p99 there, when the baseline met it', () => {
  expect(failing(run(bot({ 50: 1400 })))).toEqual(['after.lagP99']);
});

test('on an overloaded machine (the baseline missed the lag limit) the survivor is held to the baseline', () => {
  const slowBefore = lateFrom(6, 20, 2000);
  const near = judgeScaleOut(run(bot({ ...slowBefore, 50: 1400 })), 60_000).rows.find((r) => r.key === 'after.lagP99')!;
  expect(near).toMatchObject({ pass: true, note: expect.stringMatching(/baseline before the kill was 2000 ms/) });
  expect(failing(run(bot({ ...slowBefore, 50: 1400 })))).toEqual([]);
  expect(failing(run(bot({ ...slowBefore, 50: 6100 })))).toEqual(['after.lagP99']);
});

test('a task started by a killed worker after the window fails the survivor criterion', () => {
  expect(failing(run(bot(), starts(101)))).toEqual(['survivor']);
});

test('a worker that took no task before the kill fails the shared-load criterion', () => {
  const onlyTwo = starts().map((s) => (s.identity.startsWith('102@') ? { ...s, identity: '101@host' } : s));
  expect(failing(run(bot(), onlyTwo))).toEqual(['sharedBefore']);
});
