import type { Pool } from 'pg';

// Ledger-wide counts and the newest figures of every bot, grouped in SQL so that a metrics scrape costs a few
// queries whatever the number of cycles.

export interface LedgerFigures {
  /** Journaled cycles by bot and market-data source. */
  cyclesBySource(): Promise<{ botId: string; source: string; count: number }[]>;
  /** Journaled decisions by bot, action and risk outcome ('approved' or the refusing rule; null if unrecorded). */
  decisionsByOutcome(): Promise<{ botId: string; action: string | null; risk: string | null; count: number }[]>;
  /** Booked fills by bot and side. */
  fillsBySide(): Promise<{ botId: string; side: string; count: number }[]>;
  /** Equity, cash and realized P&L after each bot's newest journaled cycle. */
  newestFigures(): Promise<{ botId: string; equity: string; cash: string; realizedPnl: string }[]>;
}

export function ledgerFiguresIn(pool: Pool): LedgerFigures {
  return {
    async cyclesBySource() {
      const { rows } = await pool.query<{ bot_id: string; data_source: string; n: string }>(
        'SELECT bot_id, data_source, count(*) AS n FROM cycle_journal GROUP BY bot_id, data_source',
      );
      return rows.map((r) => ({ botId: r.bot_id, source: r.data_source, count: Number(r.n) }));
    },

    async decisionsByOutcome() {
      const { rows } = await pool.query<{ bot_id: string; action: string | null; risk: string | null; n: string }>(
        `SELECT bot_id, decision->>'action' AS action,
                CASE WHEN (verdict->>'approved')::boolean THEN 'approved' ELSE verdict->>'rule' END AS risk,
                count(*) AS n
           FROM cycle_journal GROUP BY 1, 2, 3`,
      );
      return rows.map((r) => ({ botId: r.bot_id, action: r.action, risk: r.risk, count: Number(r.n) }));
    },

    async fillsBySide() {
      const { rows } = await pool.query<{ bot_id: string; side: string; n: string }>(
        'SELECT bot_id, side, count(*) AS n FROM fills GROUP BY bot_id, side',
      );
      return rows.map((r) => ({ botId: r.bot_id, side: r.side, count: Number(r.n) }));
    },

    async newestFigures() {
      const { rows } = await pool.query<{ bot_id: string; equity: string; cash: string; realized_pnl: string }>(
        'SELECT DISTINCT ON (bot_id) bot_id, equity, cash, realized_pnl FROM cycle_journal ORDER BY bot_id, cycle DESC',
      );
      return rows.map((r) => ({ botId: r.bot_id, equity: r.equity, cash: r.cash, realizedPnl: r.realized_pnl }));
    },
  };
}
