// `npx tsx scripts/report/sample.ts [out.html]`: a report on made-up soak data, to look at the layout (and an
// example of the charts the soak draws). The data is generated, deterministic, and means nothing.
import * as fs from 'node:fs';
import type { ChartPoint, ChartSpec } from './charts';
import { renderHtmlReport, type HtmlReport } from './html';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const STEP_MS = 10_000;
const SAMPLES = 90; // 15 minutes: short of the 20 minutes one criterion needs

/** A repeatable wobble in [-1, 1]: the sample must be the same bytes every time. */
const wobble = (i: number, seed: number) => Math.sin(i * 0.37 + seed) * 0.6 + Math.sin(i * 1.9 + seed * 3) * 0.4;

function timeSeries(f: (i: number) => number | null): ChartPoint[] {
  return Array.from({ length: SAMPLES }, (_, i): ChartPoint => [START + i * STEP_MS, f(i)]);
}

const round = (value: number) => Math.round(value * 10) / 10;

function line(id: string, title: string, yName: string, series: Record<string, (i: number) => number | null>) {
  return {
    id,
    title,
    kind: 'line',
    yName,
    xKind: 'time',
    series: Object.entries(series).map(([name, f]) => ({ name, points: timeSeries(f) })),
  } satisfies ChartSpec;
}

export function sampleReport(): HtmlReport {
  const bots = ['bot-btc', 'bot-eth', 'bot-sol'];
  return {
    title: 'Soak test <sample data>',
    subtitle: '3 bots, 15 min, a sample every 10 s (made-up numbers)',
    summaryRows: [
      { label: 'Cycles completed', value: 2_700 },
      { label: 'Failed cycles', value: 0, threshold: '0', pass: true },
      { label: 'Cycle latency p99', value: '184 ms', threshold: '< 500 ms', pass: true },
      { label: 'Schedule lag max', value: '1,240 ms', threshold: '< 1,000 ms', pass: false },
      { label: 'RSS growth per hour', value: '-', threshold: '< 20 MB/h', pass: null, note: 'needs 20 min of data' },
    ],
    charts: [
      line('rss', 'RSS per process (MB)', 'MB', {
        worker: (i) => round(180 + i * 0.05 + wobble(i, 1) * 3),
        api: (i) => round(95 + wobble(i, 2) * 2),
        postgres: (i) => round(60 + wobble(i, 3)),
      }),
      line('heap', 'V8 heap per worker (MB)', 'MB', { 'worker-1': (i) => round(42 + wobble(i, 4) * 6) }),
      line('cycles', 'Cycles per minute', 'cycles/min', { all: (i) => (i % 6 === 0 ? 180 : 180 + wobble(i, 5) * 4) }),
      line('latency', 'Cycle latency p50/p95/p99 (ms)', 'ms', {
        p50: (i) => round(40 + wobble(i, 6) * 5),
        p95: (i) => round(110 + wobble(i, 7) * 20),
        p99: (i) => (i === 50 ? null : round(160 + wobble(i, 8) * 25)),
      }),
      line('lag', 'Schedule lag (ms)', 'ms', { max: (i) => round(Math.max(0, 300 + wobble(i, 9) * 900)) }),
      line(
        'equity',
        'Equity per bot (USD)',
        'USD',
        Object.fromEntries(
          bots.map((bot, b) => [bot, (i: number) => round(10_000 + i * (b - 1) * 3 + wobble(i, b) * 40)]),
        ),
      ),
      {
        id: 'trades',
        title: 'Trades per bot',
        kind: 'bar',
        yName: 'trades',
        xKind: 'category',
        series: [
          { name: 'buys', points: bots.map((bot, b): ChartPoint => [bot, 12 + b * 3]) },
          { name: 'sells', points: bots.map((bot, b): ChartPoint => [bot, 11 + b * 2]) },
        ],
      },
    ],
  };
}

if (require.main === module) {
  const out = process.argv[2] ?? 'report-sample.html';
  fs.writeFileSync(out, renderHtmlReport(sampleReport()));
  process.stdout.write(`wrote ${out}\n`);
}
