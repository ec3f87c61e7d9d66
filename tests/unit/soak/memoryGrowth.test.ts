import { memoryGrowth, memorySlopes, type SoakObservations } from '../../../scripts/soak/analysis';
import type { ProcessSample } from '../../../scripts/topology/sampler';

// The memory verdict fails a process whose samples show growth above 1 MB per 10 minutes, and only then: memory a
// garbage collector sizes steps up and down for minutes at a time, and a line through such steps alone must not
// decide the verdict, while a leak under the same steps still must.

const MB = 1024 * 1024;
const MINUTE = 60_000;

/** A seeded generator: the same steps on every run. */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
}

/** Samples every 10 s for 30 minutes of `mb(minute)` MB, as RSS and (when `anon` is given) anonymous memory. */
function process_(
  name: ProcessSample['name'],
  mb: (min: number) => number,
  anon?: (min: number) => number,
): ProcessSample[] {
  return Array.from({ length: 30 * 6 + 1 }, (_, i) => {
    const min = i / 6;
    return {
      name,
      pid: 1,
      at: min * MINUTE,
      rssBytes: mb(min) * MB,
      cpuPercent: 10,
      pids: [1],
      ...(anon ? { anonBytes: anon(min) * MB } : {}),
    };
  });
}

/**
 * A level that jumps by up to ±`swing`/2 MB every `every` minutes: a heap resized by its collector (V8 commits and
 * releases its pages in steps of about 16 MB: docs/soak/README.md).
 */
function steps(seed: number, swing: number, every: number): (min: number) => number {
  const r = noise(seed);
  const levels = Array.from({ length: 40 }, () => swing * r());
  return (min) => levels[Math.floor(min / every)];
}

const judge = (...samples: ProcessSample[][]) =>
  memoryGrowth(memorySlopes({ startedAtMs: 0, stoppedAtMs: 30 * MINUTE, samples: samples.flat() } as SoakObservations));

it('a flat worker whose RSS steps by up to 16 MB passes, and is named as not shown flat at this length', () => {
  const swing = steps(1, 16, 2);
  const worker = process_('worker-0', (min) => 300 + swing(min));
  const slopes = memorySlopes({ startedAtMs: 0, stoppedAtMs: 30 * MINUTE, samples: worker } as SoakObservations);
  const { slope, margin } = slopes[0].judged!;
  expect(Math.abs(slope)).toBeGreaterThan(1); // the point slope alone would have decided by chance
  expect(margin).not.toBeNull();
  expect(slope - margin!).toBeLessThanOrEqual(1);
  const verdict = judge(worker);
  expect(verdict.pass).toBe(true);
  expect(verdict.note).toContain('worker-0');
});

it('the same steps over a leak of 10 MB per 10 minutes fail', () => {
  const swing = steps(1, 16, 2);
  const verdict = judge(process_('worker-0', (min) => 300 + swing(min) + min));
  expect(verdict).toMatchObject({ pass: false, worst: 'worker-0' });
  expect(verdict.value).toMatch(/^\+\d+\.\d\d ± \d+\.\d\d MB\/10 min \(worker-0/);
});

it('a quiet process growing 2 MB per 10 minutes fails, however flat the others', () => {
  const jitter = noise(9);
  const verdict = judge(
    process_('api', (min) => 100 + 0.2 * min + jitter()),
    process_('worker-0', () => 300),
  );
  expect(verdict).toMatchObject({ pass: false, worst: 'api' });
});

it('every process flat and quiet: pass, with no note', () => {
  const jitter = noise(13);
  const verdict = judge(
    process_('api', () => 100 + jitter()),
    process_('temporal', () => 350 + jitter()),
  );
  expect(verdict.pass).toBe(true);
  expect(verdict.note).toBeUndefined();
  expect(verdict.value).toContain('api ');
  expect(verdict.value).toContain('temporal ');
});

it('Postgres is judged on its private memory: a shared pool that warms up is not a leak', () => {
  const verdict = judge(
    process_(
      'postgres',
      (min) => 500 + 5 * min,
      () => 60,
    ),
  );
  expect(verdict.pass).toBe(true);
  expect(verdict.value).toContain('anon, postgres');
});

it('the stop cutting the last minute short does not let its lone sample tilt the line', () => {
  const jitter = noise(17);
  const flat = process_('api', () => 100 + jitter());
  // The last sample (at the stop) reads 40 MB high: a minute of one sample, dropped, not weighed as a full minute.
  const spiked = flat.map((s, i) => (i === flat.length - 1 ? { ...s, rssBytes: s.rssBytes + 40 * MB } : s));
  const of = (samples: ProcessSample[]) =>
    memorySlopes({ startedAtMs: 0, stoppedAtMs: 30 * MINUTE, samples } as SoakObservations)[0].judged!;
  expect(of(spiked)).toEqual(of(flat));
  expect(judge(spiked).pass).toBe(true);
});

it('a process whose margin is unknown passes, named as not shown flat, its margin printed as unknown', () => {
  const slopes = [
    { name: 'api', judged: { figure: 'rss', slope: 5, margin: null } },
    { name: 'worker-0', judged: { figure: 'rss', slope: 0.1, margin: 0.3 } },
  ] as Parameters<typeof memoryGrowth>[0];
  const verdict = memoryGrowth(slopes);
  expect(verdict).toMatchObject({ pass: true, worst: 'worker-0' });
  expect(verdict.value).toContain('api +5.00 ± unknown');
  expect(verdict.note).toContain('api');
  expect(verdict.note).not.toContain('worker-0');
});

it('no samples after warm-up: no verdict', () => {
  expect(judge([])).toEqual({ pass: false, worst: null, value: 'n/a' });
});
