// Small statistics for run reports: percentiles, least-squares slopes and how far a slope can be trusted.

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

// Student's t at one-sided 95 % (two-sided 90 %) for 1..30 degrees of freedom, then 40, 60, 120 and the normal.
const T95 = [
  6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74,
  1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697,
];

/** The one-sided 95 % quantile of Student's t; a fractional df rounds down (the wider, safer bound). */
export function t95(df: number): number {
  if (!(df >= 1)) return Infinity;
  const whole = Math.floor(df);
  if (whole <= 30) return T95[whole - 1];
  return whole < 40 ? 1.697 : whole < 60 ? 1.684 : whole < 120 ? 1.671 : whole < 1000 ? 1.658 : 1.645;
}

export interface SlopeBound {
  slope: number;
  /** slope ± margin holds the true slope at 95 % one-sided either way; Infinity when too few points tell. */
  margin: number;
  /** The residuals' lag-1 autocorrelation (clamped at 0) and the effective number of independent points. */
  lag1: number;
  effectivePoints: number;
}

/**
 * The least-squares slope of a series sampled over time, and its one-sided 95 % margin. Memory samples are
 * serially correlated (a heap that grew stays grown for minutes), which makes the plain OLS error far too small:
 * the margin uses the effective number of points n(1 - r1)/(1 + r1), r1 the residuals' lag-1 autocorrelation
 * (the AR(1) correction of Santer et al. 2000, J. Geophys. Res. 105(D6)). Null where `slope` is null.
 */
export function slopeBound(points: readonly [x: number, y: number][]): SlopeBound | null {
  const b = slope(points);
  if (b === null) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const residuals = points.map(([x, y]) => y - my - b * (x - mx));
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sse = residuals.reduce((s, r) => s + r * r, 0);
  let lagged = 0;
  for (let i = 1; i < n; i++) lagged += residuals[i] * residuals[i - 1];
  const lag1 = sse === 0 ? 0 : Math.max(0, lagged / sse);
  const effectivePoints = (n * (1 - lag1)) / (1 + lag1);
  const df = effectivePoints - 2;
  const margin = df < 1 ? Infinity : t95(df) * Math.sqrt(sse / df / sxx);
  return { slope: b, margin, lag1, effectivePoints };
}

export const round = (v: number | null, decimals = 1): number | null =>
  v === null ? null : Math.round(v * 10 ** decimals) / 10 ** decimals;
