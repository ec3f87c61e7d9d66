import { memorySlopes, type SoakObservations } from '../../../scripts/soak/analysis';
import type { ProcessSample } from '../../../scripts/topology/sampler';

// The heap criterion reads the live heap, sampled right after a full collection, where the run has enough such
// points: between collections the heap is a sawtooth, and where a run ends on it would decide the slope.

const MB = 1024 * 1024;
const MINUTE = 60_000;

/** A worker sampled every 10 s for `minutes`: live heap `live(t)`, plus garbage that builds up over `period` min. */
function worker(minutes: number, live: (min: number) => number, opts: { collectEvery?: number; period: number }) {
  const samples: ProcessSample[] = [];
  for (let i = 0; i <= minutes * 6; i++) {
    const min = i / 6;
    const collected = opts.collectEvery !== undefined && i % opts.collectEvery === 0;
    const garbage = collected ? 0 : ((min % opts.period) / opts.period) * 30 * MB;
    samples.push({
      name: 'worker-0',
      pid: 1,
      at: min * MINUTE,
      rssBytes: 400 * MB,
      cpuPercent: 10,
      pids: [1],
      heapUsed: live(min) + garbage,
      heapTotal: 200 * MB,
      ...(collected ? { heapCollected: true } : {}),
    });
  }
  return samples;
}

function heapSlope(samples: ProcessSample[], minutes: number): number {
  const o = { startedAtMs: 0, stoppedAtMs: minutes * MINUTE, samples } as unknown as SoakObservations;
  return memorySlopes(o).find((s) => s.name === 'worker-0')!.heap!;
}

it('a flat live heap under a sawtooth reads flat from the collected points, whatever the period of the sawtooth', () => {
  const flat = () => 80 * MB;
  // Read from every sample, the period alone decides the sign: +2.8 for 6 minutes, -1.9 for 9.
  expect(heapSlope(worker(30, flat, { period: 6 }), 30)).toBeGreaterThan(2);
  expect(heapSlope(worker(30, flat, { period: 9 }), 30)).toBeLessThan(-1);
  for (const period of [6, 9]) {
    expect(Math.abs(heapSlope(worker(30, flat, { period, collectEvery: 6 }), 30))).toBeLessThan(0.01);
  }
});

it('a live heap that grows 2 MB per 10 minutes reads 2 MB per 10 minutes', () => {
  const leaking = (min: number) => 80 * MB + (min / 10) * 2 * MB;
  expect(heapSlope(worker(30, leaking, { period: 7, collectEvery: 6 }), 30)).toBeCloseTo(2, 5);
});

it('a run with too few collected points (under 10 after warm-up) uses every heap sample', () => {
  const flat = () => 80 * MB;
  const sparse = worker(30, flat, { period: 6, collectEvery: 60 }); // 4 collected points in 30 minutes
  expect(heapSlope(sparse, 30)).toBeGreaterThan(2); // the sawtooth's phantom slope, as from every sample
});

it("reports the workflow thread's committed heap as its own slope, from the samples that carry it", () => {
  const samples = worker(30, () => 80 * MB, { period: 6, collectEvery: 6 }).map((s) =>
    s.heapCollected
      ? { ...s, threadHeapUsed: 50 * MB, threadHeapTotal: 100 * MB + (s.at / (10 * MINUTE)) * 3 * MB }
      : s,
  );
  const o = { startedAtMs: 0, stoppedAtMs: 30 * MINUTE, samples } as unknown as SoakObservations;
  const [slopes] = memorySlopes(o);
  expect(slopes.threadHeap).toBeCloseTo(3, 5);
  expect(slopes.heap).toBeCloseTo(0, 5);
});

it("reports the Temporal server's Go heap in use as its own slope, null where no sample carries it", () => {
  const samples: ProcessSample[] = [];
  for (let i = 0; i <= 30 * 6; i++) {
    const min = i / 6;
    const goHeap = i % 6 === 0 ? { goHeapInUse: 150 * MB + (min / 10) * 0.5 * MB, goHeapHeld: 190 * MB } : {};
    samples.push({
      name: 'temporal',
      pid: 2,
      at: min * MINUTE,
      rssBytes: 340 * MB,
      cpuPercent: 20,
      pids: [2],
      ...goHeap,
    });
  }
  const o = { startedAtMs: 0, stoppedAtMs: 30 * MINUTE, samples } as unknown as SoakObservations;
  expect(memorySlopes(o)[0]).toMatchObject({ name: 'temporal', heap: null, threadHeap: null });
  expect(memorySlopes(o)[0].goHeap).toBeCloseTo(0.5, 5);
  const without = { ...o, samples: samples.map(({ goHeapInUse: _, goHeapHeld: __, ...s }) => s) };
  expect(memorySlopes(without)[0].goHeap).toBeNull();
});
