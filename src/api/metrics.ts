import type { Pool } from 'pg';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

// GET /metrics for Prometheus: figures read from the ledger and the journal at scrape time (the source of truth,
// whichever worker did the work), plus the API process's own. Each worker's Temporal SDK metrics are separate
// (WORKER_METRICS_ADDRESS). A scrape costs four grouped queries, whatever the number of cycles.

export function ledgerMetrics(pool: Pool): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ooda_api_' });
  const labels = ['bot'] as const;

  new Gauge({
    name: 'ooda_cycles_journaled',
    help: 'Completed cycles in the journal, by bot and market data source (live, cache, fallback-cache, mock).',
    labelNames: ['bot', 'source'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ bot_id: string; data_source: string; n: string }>(
        'SELECT bot_id, data_source, count(*) AS n FROM cycle_journal GROUP BY bot_id, data_source',
      );
      this.reset();
      for (const r of rows) this.set({ bot: r.bot_id, source: r.data_source }, Number(r.n));
    },
  });
  new Gauge({
    name: 'ooda_decisions',
    help: 'Journaled decisions by bot, action (buy, sell, hold) and risk outcome (approved or the refusing rule).',
    labelNames: ['bot', 'action', 'risk'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ bot_id: string; action: string; risk: string; n: string }>(
        `SELECT bot_id, decision->>'action' AS action,
                CASE WHEN (verdict->>'approved')::boolean THEN 'approved' ELSE verdict->>'rule' END AS risk,
                count(*) AS n
           FROM cycle_journal GROUP BY 1, 2, 3`,
      );
      this.reset();
      for (const r of rows)
        this.set({ bot: r.bot_id, action: r.action ?? 'unknown', risk: r.risk ?? 'unknown' }, Number(r.n));
    },
  });
  new Gauge({
    name: 'ooda_fills',
    help: 'Fills booked in the ledger, by bot and side.',
    labelNames: ['bot', 'side'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ bot_id: string; side: string; n: string }>(
        'SELECT bot_id, side, count(*) AS n FROM fills GROUP BY bot_id, side',
      );
      this.reset();
      for (const r of rows) this.set({ bot: r.bot_id, side: r.side }, Number(r.n));
    },
  });
  // Equity, cash and realized P&L after each bot's newest journaled cycle: one query per scrape feeds the three
  // gauges (prom-client collects them concurrently, so they share the query's promise for the scrape).
  let latest: {
    at: number;
    rows: Promise<{ bot_id: string; equity: string; cash: string; realized_pnl: string }[]>;
  } | null = null;
  const newest = () => {
    if (!latest || Date.now() - latest.at > 1000) {
      latest = {
        at: Date.now(),
        rows: pool
          .query<{ bot_id: string; equity: string; cash: string; realized_pnl: string }>(
            'SELECT DISTINCT ON (bot_id) bot_id, equity, cash, realized_pnl FROM cycle_journal ORDER BY bot_id, cycle DESC',
          )
          .then((r) => r.rows),
      };
    }
    return latest.rows;
  };
  const perBot = (name: string, help: string, field: 'equity' | 'cash' | 'realized_pnl') =>
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      async collect() {
        const rows = await newest();
        this.reset();
        for (const r of rows) this.set({ bot: r.bot_id }, Number(r[field]));
      },
    });
  perBot('ooda_equity', 'Equity after the newest cycle, by bot.', 'equity');
  perBot('ooda_cash', 'Cash after the newest cycle, by bot.', 'cash');
  perBot('ooda_realized_pnl', 'Realized P&L after the newest cycle, by bot.', 'realized_pnl');
  return registry;
}
