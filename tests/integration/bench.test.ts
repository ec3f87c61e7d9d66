import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { parseBenchArgs, UsageError } from '../../scripts/bench/args';
import { cycleCostsOf, spread } from '../../scripts/bench/economy';
import { cpuOver } from '../../scripts/bench/fleets';
import { knobLadder } from '../../scripts/bench/knobs';
import { dispatchGaps } from '../../scripts/bench/observe';
import { table } from '../../scripts/bench/table';
import type { ProcessSample } from '../../scripts/topology/launcher';

// The bench's parts that need no server: options, the history arithmetic, the CPU averaging, and the CLI's
// answers to --help and a bad option. (`npm run bench -- --quick` itself runs in CI as its own step.)

const EventType = temporal.api.enums.v1.EventType;
const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

describe('bench options', () => {
  it('defaults to the full run, and --quick to the CI run', () => {
    const full = parseBenchArgs([])!;
    expect(full.floor).toEqual({ bots: 2, cycles: 100, intervalSeconds: 2 });
    expect(full.fleets).toEqual([10, 50, 100, 200, 500, 1000]);
    expect(full.fleetIntervalSeconds).toBe(30);
    expect(full.stress).toEqual({ bots: 100, intervalSeconds: 5 });
    expect(full.skip).toEqual([]);
    const quick = parseBenchArgs(['--quick'])!;
    expect(quick.fleets).toEqual([20]);
    expect(quick.fleetIntervalSeconds).toBe(5);
    expect(quick.stress).toBeNull();
    expect(quick.skip).toEqual(['knobs']);
  });

  it('takes overrides', () => {
    const a = parseBenchArgs([
      '--fleets',
      '10,50,100',
      '--window',
      '90s',
      '--warmup',
      '1m',
      '--stress',
      'none',
      '--skip',
      'knobs,alphavantage',
    ])!;
    expect(a).toMatchObject({ fleets: [10, 50, 100], windowSeconds: 90, warmupSeconds: 60, stress: null });
    expect(a.skip).toEqual(['knobs', 'alphavantage']);
    expect(parseBenchArgs(['--help'])).toBeNull();
  });

  it('names every mistake', () => {
    expect(() => parseBenchArgs(['--bogus'])).toThrow(/'--bogus'/);
    expect(() => parseBenchArgs(['--fleets', '10,x'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--fleets', '10,10'])).toThrow(/repeats/);
    expect(() => parseBenchArgs(['--window', 'soon'])).toThrow(/--window/);
    expect(() => parseBenchArgs(['--stress', '100'])).toThrow(/--stress/);
    expect(() => parseBenchArgs(['--skip', 'everything'])).toThrow(/unknown section "everything"/);
    expect(() => parseBenchArgs(['--temporal', 'remote'])).toThrow(/--temporal remote: the knobs section/);
    expect(parseBenchArgs(['--quick', '--temporal', 'remote'])).toMatchObject({ temporal: 'remote' });
  });
});

describe('bench arithmetic', () => {
  it('measures dispatch gaps and timer lateness from event times', () => {
    const events = [
      { eventId: 1, eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, eventTime: at(1000) },
      {
        eventId: 2,
        eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        eventTime: at(1004),
        workflowTaskStartedEventAttributes: { scheduledEventId: 1 },
      },
      {
        eventId: 3,
        eventType: EventType.EVENT_TYPE_TIMER_STARTED,
        eventTime: at(1010),
        timerStartedEventAttributes: { timerId: 't1', startToFireTimeout: { seconds: 0, nanos: 400e6 } },
      },
      {
        eventId: 4,
        eventType: EventType.EVENT_TYPE_TIMER_FIRED,
        eventTime: at(2010),
        timerFiredEventAttributes: { timerId: 't1' },
      },
    ] as unknown as temporal.api.history.v1.IHistoryEvent[]; // ids and seconds are Longs in the types
    const gaps = dispatchGaps(events);
    expect(gaps.workflowTask).toEqual([4]);
    expect(gaps.timerLate).toEqual([600]);
  });

  it('counts the events between one child start and the next as one cycle', () => {
    const start = { eventType: EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED };
    const other = { eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED };
    const events = [other, start, other, other, start, other, other, other, start, other];
    const cost = { events: [] as number[], bytes: [] as number[], runEventsPerCycle: [] as number[], example: [] };
    cycleCostsOf(events, cost);
    expect(cost.events).toEqual([3, 4]);
    expect(spread(cost.events)).toEqual({ n: 2, mean: 3.5, max: 4 });
  });

  it('averages CPU over the window, weighted by each sample span', () => {
    const s = (at: number, cpuPercent: number): ProcessSample => ({
      name: 'temporal',
      pid: 1,
      at,
      rssBytes: 1048576,
      cpuPercent,
      pids: [1],
    });
    // The first sample only starts the span; 10 s at 50 % then 30 s at 10 %: 20 %.
    const [cpu] = cpuOver([s(0, 99), s(10_000, 50), s(40_000, 10)], 0, 40_000);
    expect(cpu).toEqual({ name: 'temporal', cpuPercent: 20, rssMb: 1 });
  });

  it('adds one dynamic-config knob at a time, from none', () => {
    const ladder = knobLadder();
    expect(ladder[0].dynamicConfig).toEqual({});
    for (let i = 1; i < ladder.length; i++) {
      expect(Object.keys(ladder[i].dynamicConfig)).toHaveLength(i);
    }
    expect(Object.keys(ladder[ladder.length - 1].dynamicConfig)).toContain('history.timerProcessorMaxTimeShift');
  });

  it('prints aligned tables', () => {
    expect(
      table(
        ['a', 'bb'],
        [
          ['x', 1],
          ['yy', null],
        ],
      ).split('\n'),
    ).toEqual(['a   bb', '--  --', 'x    1', 'yy   -']);
  });
});

describe('npm run bench', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join('scripts', 'bench.ts'), ...args], {
      cwd: path.resolve(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('explains every option with --help', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    for (const flag of ['--quick', '--out', '--fleets', '--window', '--warmup', '--skip', 'Example']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('refuses an unknown option, naming it, with exit code 2', () => {
    const r = run('--fleet', '10');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'--fleet'");
  });
});
