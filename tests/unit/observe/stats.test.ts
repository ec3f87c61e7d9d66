import { slopeBound, t95 } from '../../../scripts/observe/stats';

// A slope is only as good as its margin: memory sampled over time is serially correlated, and the margin must
// widen with that correlation instead of trusting every sample as independent.

/** A seeded generator (a linear congruential one): the same noise on every run. */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
}

const line = (n: number, y: (x: number, i: number) => number) =>
  Array.from({ length: n }, (_, i) => [i, y(i, i)] as [number, number]);

describe('t95', () => {
  it("is Student's one-sided 95 % quantile, rounding a fractional df down, and infinite below one", () => {
    expect(t95(1)).toBe(6.314);
    expect(t95(10)).toBe(1.812);
    expect(t95(10.9)).toBe(1.812);
    expect(t95(45)).toBe(1.684);
    expect(t95(1e6)).toBe(1.645);
    expect(t95(0.5)).toBe(Infinity);
    expect(t95(Number.NaN)).toBe(Infinity);
  });
});

describe('slopeBound', () => {
  it('a clean line: its slope, no margin, no correlation', () => {
    const b = slopeBound(line(25, (x) => 3 + 2 * x))!;
    expect(b.slope).toBeCloseTo(2, 10);
    expect(b.margin).toBeCloseTo(0, 10);
    expect(b.effectivePoints).toBe(25);
  });

  it('white noise around a flat line: the margin covers zero', () => {
    const r = noise(7);
    const b = slopeBound(line(25, () => 100 + 10 * r()))!;
    expect(Math.abs(b.slope)).toBeLessThanOrEqual(b.margin);
    expect(b.lag1).toBeLessThan(0.3);
  });

  it('steps that last for minutes (a heap resized) widen the margin beyond what independent samples would give', () => {
    // Flat on average, in blocks of 6 points at random levels: what a garbage collector's sizing does to RSS.
    const r = noise(11);
    const levels = Array.from({ length: 5 }, () => 40 * r());
    const points = line(30, (_, i) => 300 + levels[Math.floor(i / 6)]);
    const b = slopeBound(points)!;
    expect(b.lag1).toBeGreaterThan(0.3);
    expect(b.effectivePoints).toBeLessThan(points.length / 2);
    // The plain least-squares margin, computed here from the points: what independent samples would give.
    const n = points.length;
    const mx = points.reduce((s, [x]) => s + x, 0) / n;
    const my = points.reduce((s, [, y]) => s + y, 0) / n;
    const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
    const sse = points.reduce((s, [x, y]) => s + (y - my - b.slope * (x - mx)) ** 2, 0);
    const independentMargin = t95(n - 2) * Math.sqrt(sse / (n - 2) / sxx);
    expect(b.margin).toBeGreaterThan(1.5 * independentMargin);
    // And exactly the same formula over the effective number of points.
    const df = b.effectivePoints - 2;
    expect(b.margin).toBeCloseTo(t95(df) * Math.sqrt(sse / df / sxx), 9);
    expect(Math.abs(b.slope)).toBeLessThanOrEqual(b.margin);
  });

  it('steady growth under noise is shown: slope minus margin above zero', () => {
    const r = noise(3);
    const b = slopeBound(line(25, (x) => 100 + 0.5 * x + 2 * r()))!;
    expect(b.slope - b.margin).toBeGreaterThan(0);
    expect(b.slope).toBeCloseTo(0.5, 1);
  });

  it('no fit, no bound; fewer than three effective points, an infinite margin', () => {
    expect(
      slopeBound([
        [1, 1],
        [2, 2],
      ]),
    ).toBeNull();
    expect(slopeBound(line(5, () => 1).map(([, y]) => [0, y]))).toBeNull();
    // High, low for eight, high again: 16 points that carry under 3 independent ones.
    const b = slopeBound(line(16, (_, i) => (i < 4 || i >= 12 ? 5 : 0)))!;
    expect(b.slope).toBeCloseTo(0, 10);
    expect(b.effectivePoints).toBeLessThan(3);
    expect(b.margin).toBe(Infinity);
  });
});
