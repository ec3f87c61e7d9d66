import type { BarSeriesOption, EChartsOption, LineSeriesOption } from 'echarts';

// What a report chart shows, and the ECharts option that draws it. The option must survive JSON.stringify (it is
// inlined into the HTML page), so it holds data and plain settings only: no formatter functions.

/** x is epoch ms (UTC) on a time axis or a label on a category axis; a null y leaves a gap. */
export type ChartPoint = [x: number | string, y: number | null];

export interface ChartSeriesSpec {
  name: string;
  points: ChartPoint[];
}

export interface ChartSpec {
  /** Letters, digits, `-` and `_`, starting with a letter; unique in a report. */
  id: string;
  title: string;
  kind: 'line' | 'bar';
  /** The y axis' name, with its unit: "MB", "ms", "USD". */
  yName: string;
  xKind: 'time' | 'category';
  series: ChartSeriesSpec[];
  /** Start the y axis at 0. Bars always do; lines fit their data unless this is set. */
  yFromZero?: boolean;
}

const CHART_ID = /^[A-Za-z][\w-]*$/;

export class ChartSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartSpecError';
  }
}

/** Throws ChartSpecError for an id that is not safe in HTML, and for x values of the wrong kind. */
export function checkChartSpec(spec: ChartSpec): void {
  if (!CHART_ID.test(spec.id)) throw new ChartSpecError(`chart id ${JSON.stringify(spec.id)} is not [A-Za-z][\\w-]*`);
  for (const s of spec.series) {
    for (const [x] of s.points) {
      if (spec.xKind === 'time' && !(typeof x === 'number' && Number.isFinite(x))) {
        throw new ChartSpecError(`chart ${spec.id}, series ${JSON.stringify(s.name)}: time x must be epoch ms`);
      }
    }
  }
}

/** Category labels in order of first appearance across all series, so series with gaps still line up. */
function categories(spec: ChartSpec): string[] {
  const seen = new Set<string>();
  for (const s of spec.series) for (const [x] of s.points) seen.add(String(x));
  return [...seen];
}

/** A non-finite y (NaN, Infinity) would serialise as null anyway; make that explicit: a gap. */
function finiteOrNull(y: number | null): number | null {
  return y !== null && Number.isFinite(y) ? y : null;
}

function seriesOption(spec: ChartSpec, s: ChartSeriesSpec): LineSeriesOption | BarSeriesOption {
  const data = s.points.map(([x, y]): [number | string, number | null] => [
    spec.xKind === 'category' ? String(x) : x,
    finiteOrNull(y),
  ]);
  if (spec.kind === 'bar') return { type: 'bar', name: s.name, data };
  // Long soaks give thousands of points: dots would only blur the line.
  return { type: 'line', name: s.name, data, showSymbol: s.points.length <= 60, lineStyle: { width: 1.5 } };
}

export function chartOption(spec: ChartSpec): EChartsOption {
  checkChartSpec(spec);
  const time = spec.xKind === 'time';
  return {
    animation: false,
    // Times are UTC epoch ms; show them as UTC whatever zone the reader's browser is in.
    useUTC: true,
    textStyle: { fontFamily: 'Arial, Helvetica, sans-serif' },
    legend: { type: 'scroll', top: 0, left: 0, right: 0 },
    tooltip: { trigger: 'axis', confine: true },
    grid: { left: 56, right: time ? 40 : 24, top: 56, bottom: time ? 64 : 32 },
    xAxis: time
      ? // Named, so nobody reads the times as their own zone.
        { type: 'time', name: 'UTC', nameGap: 6, axisLabel: { hideOverlap: true } }
      : { type: 'category', data: categories(spec), axisLabel: { hideOverlap: true } },
    yAxis: {
      type: 'value',
      name: spec.yName,
      nameTextStyle: { align: 'left' },
      scale: spec.kind === 'line' && spec.yFromZero !== true,
    },
    // Zoom into a stretch of a long run: the mouse wheel inside the plot, or the slider under it.
    dataZoom: time ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
    series: spec.series.map((s) => seriesOption(spec, s)),
  };
}
