import * as echarts from 'echarts';
import type { EChartsOption, LineSeriesOption } from 'echarts';

// The equity chart of a backtest, drawn by ECharts' server-side SVG renderer (no DOM, no canvas). Nothing in the
// option depends on the clock, the locale or the time zone (`useUTC`), and animation is off, so the same series
// always give the same bytes; stableIds() removes the one thing ECharts numbers per process.

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

/** A value range wider than this ratio is drawn on a log scale, so a 50x benchmark does not flatten the rest. */
const LOG_SCALE_RATIO = 20;

function withThousands(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Axis money labels: $950, $12,500, $1.25M. */
export function formatAxisMoney(value: number): string {
  if (Math.abs(value) >= 1_000_000) return `$${Number((value / 1_000_000).toFixed(2))}M`;
  return `$${withThousands(Math.round(value).toString())}`;
}

/** Whether the values span more than LOG_SCALE_RATIO (and are all positive, as a log axis needs). */
export function needsLogScale(values: readonly number[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo > 0 && hi / lo > LOG_SCALE_RATIO;
}

/**
 * zrender names clip paths and CSS classes `zr<n>-c<k>`, `zr<n>-cls-<k>`, where n counts chart instances in
 * the process and the class k counts classes in the process, so a second chart would differ from the first in
 * those names alone. Renames them to `chart-...`, classes numbered by first use, inside markup only (tags and
 * the <style> block): text content, escaped by ECharts, stays as the caller wrote it.
 */
function stableIds(svg: string): string {
  const classes = new Map<string, string>();
  const rename = (markup: string) =>
    markup
      .replace(/\bzr\d+-cls-\d+/g, (cls) => {
        if (!classes.has(cls)) classes.set(cls, `chart-cls-${classes.size}`);
        return classes.get(cls) ?? cls;
      })
      .replace(/\bzr\d+-/g, 'chart-');
  return svg.replace(/<style[^>]*>[\s\S]*?<\/style>|<[^>]*>/g, rename);
}

/** zrender writes a colour into an SVG attribute as given, so only plain hex colours are let through. */
const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function equityChartOption(options: ChartOptions): EChartsOption {
  for (const s of options.series) {
    if (!HEX_COLOUR.test(s.color)) throw new Error(`series ${JSON.stringify(s.name)}: colour must be #rgb or #rrggbb`);
  }
  const log = needsLogScale(options.series.flatMap((s) => s.points.map((p) => p.value)));
  const series: LineSeriesOption[] = options.series.map((s) => ({
    type: 'line',
    name: s.name,
    color: s.color,
    showSymbol: false,
    symbol: 'none',
    lineStyle: { width: 1.5 },
    data: s.points.map((p): [number, number] => [p.time, p.value]),
  }));
  return {
    animation: false,
    // Day boundaries and labels in UTC, whatever TZ the machine has: the CSV's days are UTC days.
    useUTC: true,
    backgroundColor: '#ffffff',
    // ECharts lays text out with Arial's widths when it has no canvas to measure on (as here), so ask viewers
    // for Arial (or a metric clone such as Liberation Sans) to keep labels where they were placed.
    textStyle: { fontFamily: 'Arial, Helvetica, sans-serif' },
    title: {
      text: options.title,
      subtext: options.subtitle ?? '',
      left: 16,
      top: 8,
      textStyle: { fontSize: 16, color: '#222222' },
      subtextStyle: { fontSize: 12, color: '#555555' },
    },
    legend: { top: 62, right: 24 },
    grid: { left: 84, right: 24, top: 96, bottom: 36 },
    xAxis: {
      type: 'time',
      axisLabel: { hideOverlap: true, formatter: { year: '{yyyy}', month: '{yyyy}-{MM}', day: '{MM}-{dd}' } },
      splitLine: { show: true, lineStyle: { color: '#f0f0f0' } },
    },
    yAxis: {
      type: log ? 'log' : 'value',
      name: log ? 'equity (log scale)' : 'equity',
      nameTextStyle: { align: 'left' },
      // A linear axis fits the data instead of starting at 0, as equity rarely comes near it.
      scale: !log,
      axisLabel: { formatter: formatAxisMoney },
      splitLine: { lineStyle: { color: '#e5e5e5' } },
    },
    series,
  };
}

/** The chart as a standalone SVG document (ends with a newline, like the JSON next to it). */
export function equityChartSvg(options: ChartOptions): string {
  if (options.series.every((s) => s.points.length === 0)) throw new Error('nothing to chart');
  const width = options.width ?? 960;
  const height = options.height ?? 420;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(equityChartOption(options));
    return stableIds(chart.renderToSVGString()) + '\n';
  } finally {
    chart.dispose();
  }
}
