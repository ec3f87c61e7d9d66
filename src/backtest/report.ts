import { dec } from '../domain/money';
import { equityChartSvg } from './chart';
import type { BacktestResult } from './result';

// What a person reads after a run: a short metrics table on the console and the equity chart.

function orDash(value: number | null, suffix = ''): string {
  return value === null ? '-' : `${value}${suffix}`;
}

/** Money on screen, to the cent; the result file keeps every decimal the ledger booked. */
function cents(value: string): string {
  return dec(value).toFixed(2);
}

export function formatParams(params: Record<string, number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function formatReport(result: BacktestResult): string {
  const m = result.metrics;
  const rows: [string, string][] = [
    ['strategy', `${result.strategy} (${formatParams(result.params) || 'no params'})`],
    ['period', `${result.period.from} .. ${result.period.to} (${result.period.candles} candles)`],
    ['trades (round trips)', `${m.trades} (${m.wins} won, ${m.losses} lost)`],
    ['win rate', orDash(m.winRatePct, '%')],
    ['return', `${m.returnPct}%`],
    ['buy & hold return', `${m.buyAndHoldReturnPct}%`],
    ['max drawdown', `${m.maxDrawdownPct}%`],
    ['sharpe-like (per candle)', orDash(m.sharpeLike)],
    [`sharpe-like (x sqrt ${m.periodsPerYear})`, orDash(m.sharpeAnnualised)],
    ['exposure', `${m.exposurePct}% of candles`],
    ['final equity', `$${cents(m.finalEquity)} (from $${cents(m.startingCash)})`],
    ['realized / unrealized PnL', `$${cents(m.realizedPnl)} / $${cents(m.unrealizedPnl)}`],
    ['fees', `$${cents(m.fees)}`],
    [
      'risk verdicts',
      Object.entries(result.riskVerdicts)
        .map(([rule, n]) => `${rule} ${n}`)
        .join(', '),
    ],
  ];
  if (result.haltedAt) rows.push(['halted (max drawdown)', result.haltedAt]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

export function resultChart(result: BacktestResult): string {
  const m = result.metrics;
  const start = Number(m.startingCash);
  const firstClose = Number(result.equityCurve[0].close);
  const time = (p: { date: string }) => Date.parse(`${p.date}T00:00:00Z`);
  return equityChartSvg({
    title: `${result.strategy} on ${result.symbol}, ${result.period.from} .. ${result.period.to}`,
    subtitle:
      `return ${m.returnPct}% (buy & hold ${m.buyAndHoldReturnPct}%), max drawdown ${m.maxDrawdownPct}%, ` +
      `${m.trades} trades, win rate ${orDash(m.winRatePct, '%')}, final equity $${cents(m.finalEquity)}`,
    series: [
      {
        name: `${result.strategy} equity`,
        color: '#1f77b4',
        points: result.equityCurve.map((p) => ({ time: time(p), value: Number(p.equity) })),
      },
      {
        name: 'buy & hold (no costs)',
        color: '#aaaaaa',
        points: result.equityCurve.map((p) => ({ time: time(p), value: (start * Number(p.close)) / firstClose })),
      },
    ],
  });
}
