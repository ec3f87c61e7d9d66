import { equityChartSvg, formatAxisMoney } from '../../../src/backtest/chart';

const DAY = 86_400_000;
const line = (values: number[]) => values.map((value, i) => ({ time: Date.UTC(2020, 0, 1) + i * DAY, value }));

describe('equity chart', () => {
  it('draws one polyline per series, with a legend and escaped text', () => {
    const svg = equityChartSvg({
      title: 'a <b> & "c"',
      series: [
        { name: 'strategy', color: '#1f77b4', points: line([10_000, 10_500, 9_800]) },
        { name: 'hold', color: '#aaaaaa', points: line([10_000, 11_000, 12_000]) },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).not.toContain('log scale');
    expect(svg).toContain('$10,000');
  });

  it('switches to a log scale when the range is wider than 20x', () => {
    const svg = equityChartSvg({
      title: 't',
      series: [{ name: 's', color: '#000', points: line([100, 5_000, 250_000]) }],
    });
    expect(svg).toContain('log scale');
    expect(svg).toContain('$1,000');
  });

  it('is the same bytes for the same series', () => {
    const options = { title: 't', series: [{ name: 's', color: '#000', points: line([1, 2, 3, 2.5]) }] };
    expect(equityChartSvg(options)).toBe(equityChartSvg(options));
  });

  it('formats axis money compactly', () => {
    expect(formatAxisMoney(950)).toBe('$950');
    expect(formatAxisMoney(12_500)).toBe('$12,500');
    expect(formatAxisMoney(1_250_000)).toBe('$1.25M');
  });
});
