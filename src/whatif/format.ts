import { dec } from '../domain/money';
import type { WhatIfReport, WhatIfSide, WhatIfTrade } from './whatIf';

// The what-if report as a person reads it: the two runs side by side, then every cycle either of them traded.
// Nothing in it depends on when it was printed, so the same report always gives the same bytes.

function cents(value: string): string {
  return dec(value).toFixed(2);
}

function signed(value: string): string {
  const d = dec(value);
  return `${d.gte(0) ? '+' : ''}${d.toFixed(2)}`;
}

function title(s: WhatIfSide): string {
  const params = Object.entries(s.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return params ? `${s.strategy} (${params})` : s.strategy;
}

function figures(s: WhatIfSide): string[] {
  const st = s.stats;
  return [
    String(s.trades.length),
    `${st.trades} (${st.wins} won, ${st.losses} lost)`,
    `$${cents(st.realizedPnl)}`,
    `$${cents(st.fees)}`,
    `${(Number(st.maxDrawdown.fraction) * 100).toFixed(2)}%`,
    `$${cents(s.finalEquity)}`,
    `${signed(s.pnl)} (${s.returnPct}%)`,
  ];
}

function tradeText(t: WhatIfTrade | undefined): string {
  return t ? `${t.side} ${t.quantity} @ ${t.price}, fee ${cents(t.fee)}, pnl ${signed(t.realizedPnl)}` : '-';
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
}

export function formatWhatIf(r: WhatIfReport): string {
  const labels = ['fills', 'round trips', 'realized PnL', 'fees', 'max drawdown', 'final equity', 'P&L'];
  const recorded = figures(r.recorded);
  const whatIf = figures(r.whatIf);
  const summary = table([
    ['', `recorded: ${title(r.recorded)}`, `what-if: ${title(r.whatIf)}`],
    ...labels.map((label, i) => [label, recorded[i], whatIf[i]]),
  ]);
  const verdicts = Object.entries(r.whatIf.riskVerdicts)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
  const byCycle = (trades: WhatIfTrade[]) => new Map(trades.map((t) => [t.cycle, t]));
  const rec = byCycle(r.recorded.trades);
  const alt = byCycle(r.whatIf.trades);
  const cycles = [...new Set([...rec.keys(), ...alt.keys()])].sort((a, b) => a - b);
  const trades = cycles.length
    ? table([
        ['cycle', 'recorded', 'what-if'],
        ...cycles.map((c) => [String(c), tradeText(rec.get(c)), tradeText(alt.get(c))]),
      ])
    : ['no trades on either side'];
  return [
    `what-if for bot ${r.botId} (${r.symbol}): cycles ${r.range.from}..${r.range.to} (${r.range.cycles} journaled), ` +
      `starting equity $${cents(r.startingEquity)}`,
    '',
    ...summary,
    '',
    `what-if risk verdicts: ${verdicts}`,
    '',
    ...trades,
    '',
    ...r.notes.map((n) => `note: ${n}`),
    '',
  ].join('\n');
}
