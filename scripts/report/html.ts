import * as fs from 'node:fs';
import { chartOption, ChartSpecError, type ChartSpec } from './charts';
import { resultText, verdictOf, type SummaryRow } from './verdict';

// One self-contained HTML page for a soak or benchmark run: verdict banner, summary table, and interactive
// ECharts charts. The ECharts browser build is inlined, so the file opens offline and can be archived or mailed
// as is. Nothing in it depends on when or where it was rendered: the same input gives the same bytes.

export type { ChartPoint, ChartSeriesSpec, ChartSpec } from './charts';
export type { SummaryRow, Verdict, VerdictStatus } from './verdict';
export { verdictOf } from './verdict';

export interface HtmlReport {
  title: string;
  subtitle?: string;
  summaryRows: SummaryRow[];
  charts: ChartSpec[];
}

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON inside a <script> element: the HTML parser ends the element at the first `</script`, whatever the JSON
 * means, so no `<` may appear raw; U+2028/2029 are escaped for older JavaScript parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The ECharts browser build, read when a report is rendered (once per process). */
let echartsSource: string | undefined;
function echartsBrowserBuild(): string {
  if (echartsSource === undefined) {
    const source = fs.readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
    // `<\/` means `/` in JavaScript strings, regexps and comments alike, and hides the end tag from HTML.
    echartsSource = source.replace(/<\/(script)/gi, '<\\/$1');
  }
  return echartsSource;
}

const STYLE = `
body { font-family: Arial, Helvetica, sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { margin: 0 0 4px; font-size: 24px; }
.subtitle { margin: 0 0 16px; color: #555; }
.verdict { padding: 12px 16px; border-radius: 6px; font-size: 20px; font-weight: bold; margin-bottom: 16px; }
.verdict-pass { background: #e6f4ea; color: #1e7b34; border: 1px solid #1e7b34; }
.verdict-fail { background: #fdecea; color: #b3261e; border: 1px solid #b3261e; }
.verdict-incomplete { background: #fff4e0; color: #8a5a00; border: 1px solid #8a5a00; }
table.summary { border-collapse: collapse; margin-bottom: 24px; background: #fff; }
table.summary th, table.summary td { border: 1px solid #ddd; padding: 6px 12px; text-align: left; }
table.summary th { background: #f0f0f0; }
td.pass { color: #1e7b34; font-weight: bold; }
td.fail { color: #b3261e; font-weight: bold; }
td.na { color: #8a5a00; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }
.chart { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
.chart h2 { margin: 0 0 8px; font-size: 16px; }
.chart-canvas { height: 340px; }
`;

/** Starts every chart once the library is loaded, and keeps them sized to their boxes. */
const BOOT = `
(function () {
  var specs = JSON.parse(document.getElementById('report-chart-options').textContent);
  var charts = specs.map(function (spec) {
    var chart = echarts.init(document.getElementById('chart-' + spec.id), null, { renderer: 'svg' });
    chart.setOption(spec.option);
    return chart;
  });
  window.addEventListener('resize', function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
`;

function resultClass(row: SummaryRow): string {
  if (row.pass === true) return 'pass';
  if (row.pass === false) return 'fail';
  return row.pass === null ? 'na' : '';
}

function summaryTable(rows: readonly SummaryRow[]): string {
  const body = rows.map((row) => {
    const cells = [row.label, String(row.value), row.threshold ?? ''].map((c) => `<td>${escapeHtml(c)}</td>`);
    return `<tr>${cells.join('')}<td class="${resultClass(row)}">${escapeHtml(resultText(row))}</td></tr>`;
  });
  return [
    '<table class="summary">',
    '<thead><tr><th>Criterion</th><th>Measured</th><th>Threshold</th><th>Result</th></tr></thead>',
    `<tbody>\n${body.join('\n')}\n</tbody>`,
    '</table>',
  ].join('\n');
}

function chartSection(spec: ChartSpec): string {
  return (
    `<section class="chart"><h2>${escapeHtml(spec.title)}</h2>` +
    `<div class="chart-canvas" id="chart-${spec.id}"></div></section>`
  );
}

export function renderHtmlReport(report: HtmlReport): string {
  const options = report.charts.map((spec) => ({ id: spec.id, option: chartOption(spec) }));
  const ids = new Set(options.map((o) => o.id));
  if (ids.size !== options.length) throw new ChartSpecError('chart ids must be unique in a report');
  const verdict = verdictOf(report.summaryRows);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(report.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(report.title)}</h1>`,
    report.subtitle ? `<p class="subtitle">${escapeHtml(report.subtitle)}</p>` : '',
    `<div class="verdict verdict-${verdict.status}" role="status">${escapeHtml(verdict.text)}</div>`,
    summaryTable(report.summaryRows),
    `<main class="charts">\n${report.charts.map(chartSection).join('\n')}\n</main>`,
    `<script type="application/json" id="report-chart-options">${jsonForScript(options)}</script>`,
    `<script>${echartsBrowserBuild()}</script>`,
    `<script>${BOOT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
