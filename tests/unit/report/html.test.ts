import * as fs from 'node:fs';
import type { ChartSpec } from '../../../scripts/report/charts';
import { escapeHtml, renderHtmlReport, verdictOf, type HtmlReport } from '../../../scripts/report/html';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const EVIL = '<script>alert("x")</script>';

const rss: ChartSpec = {
  id: 'rss',
  title: `RSS per process (MB) ${EVIL}`,
  kind: 'line',
  yName: 'MB',
  xKind: 'time',
  series: [
    {
      name: 'worker',
      points: [
        [T0, 180],
        [T0 + 10_000, 181.5],
        [T0 + 20_000, null],
      ],
    },
    {
      name: `api ${EVIL}`,
      points: [
        [T0, 95],
        [T0 + 10_000, 96],
      ],
    },
  ],
};
const trades: ChartSpec = {
  id: 'trades-per-bot',
  title: 'Trades per bot',
  kind: 'bar',
  yName: 'trades',
  xKind: 'category',
  series: [
    {
      name: 'buys',
      points: [
        ['bot-a', 3],
        ['bot-b', 5],
      ],
    },
    {
      name: 'sells',
      points: [
        ['bot-b', 4],
        ['bot-c', 1],
      ],
    },
  ],
};

const report: HtmlReport = {
  title: `Soak ${EVIL}`,
  subtitle: 'a & b',
  summaryRows: [
    { label: 'Cycles', value: 120 },
    { label: 'Cycle latency p99', value: '184 ms', threshold: '< 500 ms', pass: true },
    { label: `Lag ${EVIL}`, value: '1,240 ms', threshold: '< 1,000 ms', pass: false },
    { label: 'RSS growth', value: '-', threshold: '< 20 MB/h', pass: null, note: 'needs 20 min of data' },
  ],
  charts: [rss, trades],
};

interface InlinedChart {
  id: string;
  option: {
    animation: boolean;
    useUTC: boolean;
    xAxis: { type: string; data?: string[] };
    yAxis: { name: string };
    series: { type: string; name: string; data: unknown[] }[];
  };
}

function inlinedCharts(html: string): InlinedChart[] {
  const json = /<script type="application\/json" id="report-chart-options">([\s\S]*?)<\/script>/.exec(html);
  if (!json) throw new Error('no chart options in the page');
  return JSON.parse(json[1]) as InlinedChart[];
}

/** Every <script> element: its attributes and its content. */
const scripts = (html: string) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];

describe('HTML report', () => {
  const html = renderHtmlReport(report);

  it('inlines the ECharts browser build and loads nothing from elsewhere', () => {
    const library = fs.readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
    const inline = scripts(html).map((m) => m[2]);
    expect(inline).toContain(library);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(?:src|href)=["']?(?:https?:)?\/\//i);
    // Three scripts: the options, the library, the boot code; nothing ended one early.
    expect(scripts(html).map((m) => m[1].trim())).toEqual([
      'type="application/json" id="report-chart-options"',
      '',
      '',
    ]);
  });

  it('has a div and an option per chart, with its series and data', () => {
    const charts = inlinedCharts(html);
    expect(charts.map((c) => c.id)).toEqual(['rss', 'trades-per-bot']);
    for (const { id } of charts) expect(html).toContain(`<div class="chart-canvas" id="chart-${id}"></div>`);
    const [line, bar] = charts.map((c) => c.option);
    expect(line).toMatchObject({ animation: false, useUTC: true, xAxis: { type: 'time' }, yAxis: { name: 'MB' } });
    expect(line.series.map((s) => [s.type, s.name])).toEqual([
      ['line', 'worker'],
      ['line', `api ${EVIL}`],
    ]);
    expect(line.series[0].data).toEqual([
      [T0, 180],
      [T0 + 10_000, 181.5],
      [T0 + 20_000, null],
    ]);
    expect(bar).toMatchObject({ animation: false, xAxis: { type: 'category', data: ['bot-a', 'bot-b', 'bot-c'] } });
    expect(bar.series.map((s) => s.type)).toEqual(['bar', 'bar']);
  });

  it('escapes every string it was given', () => {
    expect(html).toContain(`<title>Soak ${escapeHtml(EVIL)}</title>`);
    expect(html).toContain(`<h1>Soak &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h1>`);
    expect(html).toContain(`<h2>RSS per process (MB) ${escapeHtml(EVIL)}</h2>`);
    expect(html).toContain(`<td>Lag ${escapeHtml(EVIL)}</td>`);
    expect(html).toContain('<p class="subtitle">a &amp; b</p>');
    // Inside the JSON a series name keeps its text, with `<` written as \u003c so it cannot end the script.
    expect(html).not.toContain(EVIL);
    expect(html).toContain('api \\u003cscript>alert(\\"x\\")\\u003c/script>');
  });

  it('shows the verdict in a coloured banner and a result per criterion', () => {
    expect(html).toContain('<div class="verdict verdict-fail" role="status">FAIL: 1 of 3 criteria failed</div>');
    expect(html).toContain('<td class="pass">PASS</td>');
    expect(html).toContain('<td class="fail">FAIL</td>');
    expect(html).toContain('<td class="na">n/a: needs 20 min of data</td>');
    expect(html).toContain('<td>Cycles</td><td>120</td><td></td><td class=""></td>');
    const passing = renderHtmlReport({ ...report, summaryRows: [{ label: 'ok', value: 1, pass: true }] });
    expect(passing).toContain('<div class="verdict verdict-pass" role="status">PASS: all 1 criterion pass</div>');
  });

  it('is the same bytes for the same input', () => {
    expect(renderHtmlReport(report)).toBe(html);
  });

  it('refuses chart ids that are unsafe or repeated, and time points that are not epoch ms', () => {
    expect(() => renderHtmlReport({ ...report, charts: [{ ...rss, id: 'x" onload="y' }] })).toThrow(/chart id/);
    expect(() => renderHtmlReport({ ...report, charts: [rss, rss] })).toThrow(/unique/);
    const bad: ChartSpec = { ...rss, series: [{ name: 's', points: [['2026-01-01', 1]] }] };
    expect(() => renderHtmlReport({ ...report, charts: [bad] })).toThrow(/epoch ms/);
  });
});

describe('verdict', () => {
  it('fails on any failed criterion, is incomplete while one is n/a, and passes only when all pass', () => {
    const pass = { label: 'a', value: 1, pass: true };
    const fail = { label: 'b', value: 1, pass: false };
    const open = { label: 'c', value: 1, pass: null };
    const fact = { label: 'd', value: 1 };
    expect(verdictOf([pass, fail, open, fact])).toEqual({ status: 'fail', text: 'FAIL: 1 of 3 criteria failed' });
    expect(verdictOf([pass, open, fact])).toEqual({
      status: 'incomplete',
      text: 'INCOMPLETE: 1 of 2 criteria pass, 1 n/a',
    });
    expect(verdictOf([pass, pass, fact])).toEqual({ status: 'pass', text: 'PASS: all 2 criteria pass' });
    expect(verdictOf([fact]).status).toBe('incomplete');
  });
});
