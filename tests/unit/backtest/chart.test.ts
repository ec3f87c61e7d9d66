import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { equityChartOption, equityChartSvg, formatAxisMoney, needsLogScale } from '../../../src/backtest/chart';

const DAY = 86_400_000;
const line = (values: number[]) => values.map((value, i) => ({ time: Date.UTC(2020, 0, 1) + i * DAY, value }));

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
  parent: XmlElement | null;
}

/**
 * A strict little XML reader, enough to prove the SVG is well formed: every tag closes in order, one root,
 * attributes quoted, no stray `<` or `&` in text. Returns the elements in document order.
 */
function parseXml(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  const checkText = (text: string) => {
    if (/<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`bad text ${text}`);
  };
  const token = /<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let roots = 0;
  for (const m of xml.trim().matchAll(token)) {
    const [whole, closing, name, attrText, selfClosing, text, stray] = m;
    if (stray !== undefined) throw new Error(`unparsable markup at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    const parent = open[open.length - 1] ?? null;
    if (text !== undefined) {
      if (parent === null && text.trim() !== '') throw new Error('text outside the root');
      checkText(text);
      if (parent) parent.text += text;
    } else if (whole.startsWith('<![CDATA[')) {
      if (parent === null) throw new Error('CDATA outside the root');
    } else if (closing) {
      if (parent?.name !== name) throw new Error(`</${name}> closes <${parent?.name ?? 'nothing'}>`);
      open.pop();
    } else {
      if (parent === null && roots++ > 0) throw new Error('two roots');
      const attrs: Record<string, string> = {};
      for (const [, key, value] of attrText.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        if (key in attrs) throw new Error(`attribute ${key} twice`);
        checkText(value);
        attrs[key] = value;
      }
      const element = { name, attrs, text: '', parent };
      elements.push(element);
      if (!selfClosing) open.push(element);
    }
  }
  if (open.length > 0) throw new Error(`<${open[open.length - 1].name}> never closes`);
  return elements;
}

const unescape = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The drawn equity lines: ECharts strokes each line series as one path, at the width the chart asks for. */
const seriesPaths = (elements: XmlElement[]) =>
  elements.filter((e) => e.name === 'path' && e.attrs['stroke-width'] === '1.5' && e.attrs.fill === 'none');

const texts = (elements: XmlElement[]) => elements.filter((e) => e.name === 'text').map((e) => unescape(e.text));

const twoSeries = {
  title: 'a <b> & "c"',
  subtitle: 'return 5%',
  series: [
    { name: 'strategy <s>', color: '#1f77b4', points: line([10_000, 10_500, 9_800]) },
    { name: 'hold', color: '#aaaaaa', points: line([10_000, 11_000, 12_000]) },
  ],
};

describe('equity chart', () => {
  it('is a well-formed SVG document of the asked size', () => {
    const svg = equityChartSvg({ ...twoSeries, width: 800, height: 300 });
    const root = parseXml(svg)[0];
    expect(root.name).toBe('svg');
    expect(root.attrs).toMatchObject({ xmlns: 'http://www.w3.org/2000/svg', width: '800', height: '300' });
    expect(svg.endsWith('</svg>\n')).toBe(true);
  });

  it('draws one line per series, in its colour, with a legend entry, the title and the subtitle', () => {
    const elements = parseXml(equityChartSvg(twoSeries));
    expect(seriesPaths(elements).map((p) => p.attrs.stroke)).toEqual(['#1f77b4', '#aaaaaa']);
    // Each line is a polyline through all of its points: M for the first, then an L per further point.
    for (const path of seriesPaths(elements)) expect(path.attrs.d.match(/[ML]/g)).toEqual(['M', 'L', 'L']);
    expect(texts(elements)).toEqual(
      expect.arrayContaining(['a <b> & "c"', 'return 5%', 'strategy <s>', 'hold', 'equity', '$10,000']),
    );
  });

  it('escapes text it was given', () => {
    const svg = equityChartSvg(twoSeries);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('<s>');
  });

  it('refuses a colour that is not plain hex, as it would land in an attribute as is', () => {
    expect(() => equityChartSvg({ title: 't', series: [{ name: 's', color: '"/><x', points: line([1, 2]) }] })).toThrow(
      /colour/,
    );
  });

  it('switches to a log scale when the range is wider than 20x', () => {
    expect(needsLogScale([100, 2_000])).toBe(false);
    expect(needsLogScale([100, 2_001])).toBe(true);
    expect(needsLogScale([-1, 100])).toBe(false);
    const elements = parseXml(
      equityChartSvg({ title: 't', series: [{ name: 's', color: '#000', points: line([100, 5_000, 250_000]) }] }),
    );
    expect(texts(elements)).toEqual(expect.arrayContaining(['equity (log scale)', '$1,000', '$100,000']));
    expect(texts(elements)).not.toContain('equity');
  });

  it('labels the time axis in UTC days and turns animation off', () => {
    const option = equityChartOption(twoSeries);
    expect(option).toMatchObject({ animation: false, useUTC: true, xAxis: { type: 'time' } });
    const days = line(Array.from({ length: 60 }, (_, i) => 100 + i));
    const labels = texts(
      parseXml(equityChartSvg({ title: 't', series: [{ name: 's', color: '#000', points: days }] })),
    );
    expect(labels).toEqual(expect.arrayContaining(['2020', '2020-02']));
  });

  it('is the same bytes for the same series, after other charts', () => {
    const options = { title: 't', series: [{ name: 's', color: '#000', points: line([1, 2, 3, 2.5]) }] };
    const first = equityChartSvg(options);
    equityChartSvg(twoSeries);
    expect(equityChartSvg(options)).toBe(first);
    // zrender numbers its ids per process; the output carries none of those numbers.
    expect(first).not.toMatch(/zr\d/);
  });

  it('is the same bytes in any time zone', () => {
    // Jest gives each test file its own copy of process.env, so a TZ set here would not reach Date: render in
    // a process of its own, which can change its zone between two renders (Node rereads TZ when it is set).
    const script =
      "import { equityChartSvg } from './src/backtest/chart';" +
      'const day = 86400000;' +
      'const points = [0, 1, 2, 3, 4, 5].map((i) => ({ time: Date.UTC(2020, 0, 29) + i * day, value: 100 + i }));' +
      "const render = () => equityChartSvg({ title: 't', series: [{ name: 's', color: '#000', points }] });" +
      "const auckland = render(); process.env.TZ = 'America/Los_Angeles';" +
      'process.stdout.write(JSON.stringify([new Date(0).getHours(), auckland, render()]));';
    const root = path.resolve(__dirname, '../../..');
    const output = execFileSync(path.join(root, 'node_modules/.bin/tsx'), ['-e', script], {
      cwd: root,
      env: { ...process.env, TZ: 'Pacific/Auckland' },
      encoding: 'utf8',
    });
    const [losAngelesHour, auckland, losAngeles] = JSON.parse(output) as [number, string, string];
    expect(losAngelesHour).toBe(16); // the zone did change
    expect(losAngeles).toBe(auckland);
    expect(texts(parseXml(auckland))).toEqual(expect.arrayContaining(['01-30', '2020-02', '02-02']));
  });

  it('refuses to draw nothing', () => {
    expect(() => equityChartSvg({ title: 't', series: [{ name: 's', color: '#000', points: [] }] })).toThrow(
      'nothing to chart',
    );
  });

  it('formats axis money compactly', () => {
    expect(formatAxisMoney(950)).toBe('$950');
    expect(formatAxisMoney(12_500)).toBe('$12,500');
    expect(formatAxisMoney(1_250_000)).toBe('$1.25M');
  });
});
