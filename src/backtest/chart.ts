// A small, dependency-free SVG line chart for equity curves. Every number is printed with a fixed number of
// decimals and nothing depends on the locale or the clock, so the same series always give the same bytes.

export interface ChartSeries {
  name: string;
  color: string;
  /** Time in ms since the epoch, oldest first, and the value (equity in the quote currency). */
  points: { time: number; value: number }[];
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
}

const MARGIN = { top: 56, right: 24, bottom: 40, left: 76 };
/** A value range wider than this ratio is drawn on a log scale, so a 50x benchmark does not flatten the rest. */
const LOG_SCALE_RATIO = 20;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function withThousands(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Axis money labels: $950, $12,500, $1.25M. */
export function formatAxisMoney(value: number): string {
  if (Math.abs(value) >= 1_000_000) return `$${Number((value / 1_000_000).toFixed(2))}M`;
  return `$${withThousands(Math.round(value).toString())}`;
}

function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  return (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude;
}

function linearTicks(min: number, max: number): number[] {
  const step = niceStep(max - min || Math.abs(max) || 1, 5);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= min && t <= max) ticks.push(t);
    }
  }
  return ticks;
}

function yearTicks(start: number, end: number): number[] {
  const first = new Date(start).getUTCFullYear() + 1;
  const last = new Date(end).getUTCFullYear();
  const years = Math.max(1, last - first + 1);
  const every = Math.ceil(years / 12);
  const ticks: number[] = [];
  for (let y = first; y <= last; y += every) ticks.push(Date.UTC(y, 0, 1));
  return ticks;
}

function xLabel(time: number, yearly: boolean): string {
  const iso = new Date(time).toISOString();
  return yearly ? iso.slice(0, 4) : iso.slice(0, 10);
}

export function equityChartSvg(options: ChartOptions): string {
  const width = options.width ?? 960;
  const height = options.height ?? 420;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const all = options.series.flatMap((s) => s.points);
  if (all.length === 0) throw new Error('nothing to chart');
  const t0 = Math.min(...all.map((p) => p.time));
  const t1 = Math.max(...all.map((p) => p.time));
  const v0 = Math.min(...all.map((p) => p.value));
  const v1 = Math.max(...all.map((p) => p.value));
  const log = v0 > 0 && v1 / v0 > LOG_SCALE_RATIO;
  const scaleV = (v: number) => (log ? Math.log(v) : v);
  const lo = scaleV(v0);
  const hi = scaleV(v1) === lo ? lo + 1 : scaleV(v1);
  const x = (t: number) => MARGIN.left + (t1 === t0 ? plotW / 2 : ((t - t0) / (t1 - t0)) * plotW);
  const y = (v: number) => MARGIN.top + plotH - ((scaleV(v) - lo) / (hi - lo)) * plotH;
  const f = (n: number) => n.toFixed(1);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="22" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`);
  if (options.subtitle)
    out.push(`<text x="${MARGIN.left}" y="40" fill="#555555">${escapeXml(options.subtitle)}</text>`);

  for (const v of log ? logTicks(v0, v1) : linearTicks(v0, v1)) {
    const py = f(y(v));
    out.push(`<line x1="${MARGIN.left}" y1="${py}" x2="${width - MARGIN.right}" y2="${py}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatAxisMoney(v)}</text>`,
    );
  }
  const yearly = t1 - t0 > 2 * 365 * 86_400_000;
  for (const t of yearly ? yearTicks(t0, t1) : [t0, (t0 + t1) / 2, t1]) {
    const px = f(x(t));
    out.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${px}" y="${height - MARGIN.bottom + 18}" text-anchor="middle">${xLabel(t, yearly)}</text>`);
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999999"/>`,
  );
  if (log) out.push(`<text x="${width - MARGIN.right}" y="40" text-anchor="end" fill="#555555">log scale</text>`);

  options.series.forEach((series, i) => {
    const points = series.points.map((p) => `${f(x(p.time))},${f(y(p.value))}`).join(' ');
    out.push(`<polyline fill="none" stroke="${series.color}" stroke-width="1.5" points="${points}"/>`);
    const lx = MARGIN.left + 10 + i * 200;
    const ly = MARGIN.top + 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${series.color}" stroke-width="3"/>`);
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(series.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
