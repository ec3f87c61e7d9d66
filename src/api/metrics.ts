import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { LedgerReader } from '../ledger';

// GET /metrics for Prometheus: figures read from the ledger and the journal at scrape time (the source of truth,
// whichever worker did the work), plus the API process's own. Each worker's Temporal SDK metrics are separate
// (WORKER_METRICS_ADDRESS). A scrape costs four grouped queries, whatever the number of cycles.

export function ledgerMetrics(ledger: LedgerReader): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ooda_api_' });
  const labels = ['bot'] as const;

  new Gauge({
    name: 'ooda_cycles_journaled',
    help: 'Completed cycles in the journal, by bot and market data source (live, cache, fallback-cache, mock).',
    labelNames: ['bot', 'source'] as const,
    registers: [registry],
    async collect() {
      const rows = await ledger.cyclesBySource();
      this.reset();
      for (const r of rows) this.set({ bot: r.botId, source: r.source }, r.count);
    },
  });
  new Gauge({
    name: 'ooda_decisions',
    help: 'Journaled decisions by bot, action (buy, sell, hold) and risk outcome (approved or the refusing rule).',
    labelNames: ['bot', 'action', 'risk'] as const,
    registers: [registry],
    async collect() {
      const rows = await ledger.decisionsByOutcome();
      this.reset();
      for (const r of rows)
        this.set({ bot: r.botId, action: r.action ?? 'unknown', risk: r.risk ?? 'unknown' }, r.count);
    },
  });
  new Gauge({
    name: 'ooda_fills',
    help: 'Fills booked in the ledger, by bot and side.',
    labelNames: ['bot', 'side'] as const,
    registers: [registry],
    async collect() {
      const rows = await ledger.fillsBySide();
      this.reset();
      for (const r of rows) this.set({ bot: r.botId, side: r.side }, r.count);
    },
  });
  // Equity, cash and realized P&L after each bot's newest journaled cycle: one query per scrape feeds the three
  // gauges (prom-client collects them concurrently, so they share the query's promise for the scrape).
  let latest: { at: number; rows: ReturnType<LedgerReader['newestFigures']> } | null = null;
  const newest = () => {
    if (!latest || Date.now() - latest.at > 1000) latest = { at: Date.now(), rows: ledger.newestFigures() };
    return latest.rows;
  };
  const perBot = (name: string, help: string, field: 'equity' | 'cash' | 'realizedPnl') =>
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      async collect() {
        const rows = await newest();
        this.reset();
        for (const r of rows) this.set({ bot: r.botId }, Number(r[field]));
      },
    });
  perBot('ooda_equity', 'Equity after the newest cycle, by bot.', 'equity');
  perBot('ooda_cash', 'Cash after the newest cycle, by bot.', 'cash');
  perBot('ooda_realized_pnl', 'Realized P&L after the newest cycle, by bot.', 'realizedPnl');
  return registry;
}
