// Small statistics for run reports: percentiles and least-squares slopes.

/** The p-th percentile (0..100) by nearest rank; null for no data. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Least-squares slope of y over x; null with fewer than 3 points or no spread in x. */
export function slope(points: readonly [x: number, y: number][]): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? null : sxy / sxx;
}

export const round = (v: number | null, decimals = 1): number | null =>
  v === null ? null : Math.round(v * 10 ** decimals) / 10 ** decimals;
