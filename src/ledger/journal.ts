import type { Pool } from 'pg';
import type { Decision, ExecutionResult, MarketSnapshot, PortfolioSummary, RiskVerdict } from '../domain/types';
import type { JournalEntry, StatsAccumulator } from '../trading/learning';
import { fillFromRow, type FillRow } from './rows';

// The cycle journal as the worker writes and reads it: one row per cycle (what it saw, decided and did, and the
// portfolio after), and beside it the bot's running statistics (bot_learning), folded in one cycle at a time.

/** What the learning phase journals for one cycle. */
export interface CycleRecord {
  botId: string;
  cycle: number;
  workflowId: string;
  snapshot: Pick<MarketSnapshot, 'source' | 'ageSeconds' | 'price'>;
  decision: Decision;
  verdict: RiskVerdict;
  execution: ExecutionResult | null;
  /** After the cycle, marked at its price. */
  portfolio: Pick<PortfolioSummary, 'cash' | 'equity' | 'realizedPnl'>;
}

export interface CycleJournal {
  /** Journals one cycle; a retry rewrites the same row (one row per bot and cycle). */
  recordCycle(record: CycleRecord): Promise<void>;
  /** The newest cycle journaled before `cycle`; 0 when there is none. */
  previousCycle(botId: string, cycle: number): Promise<number>;
  /**
   * The bot's journal, oldest first, in the shape the learning code reads. Stats rebuilt from it always agree
   * with the ledger; the cost grows with the journal (fine for months of minute cycles).
   */
  journalEntries(botId: string): Promise<JournalEntry[]>;
  /** Where a bot resumes: the highest cycle the ledger knows (journal or orders; 0 if none) and its last price. */
  resumePoint(botId: string): Promise<{ lastCycle: number; lastPrice: string | null }>;
  /** The price the newest journaled cycle saw; null before the first. */
  lastPrice(botId: string): Promise<string | null>;
  /** The bot's running statistics as its learning phase last stored them; null before its first cycle. */
  statistics(botId: string): Promise<StatsAccumulator | null>;
  /** Stores them unless newer ones are there already (a late retry never rolls them back). */
  saveStatistics(botId: string, acc: StatsAccumulator): Promise<void>;
}

export function cycleJournalIn(pool: Pool): CycleJournal {
  return {
    async recordCycle(r) {
      await pool.query(
        `INSERT INTO cycle_journal (bot_id, cycle, workflow_id, data_source, data_age_seconds, price, decision, verdict,
                                    execution, cash, equity, realized_pnl)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (bot_id, cycle) DO UPDATE SET
           workflow_id = EXCLUDED.workflow_id, data_source = EXCLUDED.data_source,
           data_age_seconds = EXCLUDED.data_age_seconds, price = EXCLUDED.price, decision = EXCLUDED.decision,
           verdict = EXCLUDED.verdict, execution = EXCLUDED.execution, cash = EXCLUDED.cash,
           equity = EXCLUDED.equity, realized_pnl = EXCLUDED.realized_pnl, recorded_at = now()`,
        [
          r.botId,
          r.cycle,
          r.workflowId,
          r.snapshot.source,
          r.snapshot.ageSeconds,
          r.snapshot.price,
          JSON.stringify(r.decision),
          JSON.stringify(r.verdict),
          r.execution ? JSON.stringify(r.execution) : null,
          r.portfolio.cash,
          r.portfolio.equity,
          r.portfolio.realizedPnl,
        ],
      );
    },

    async previousCycle(botId, cycle) {
      const { rows } = await pool.query<{ previous: number | null }>(
        'SELECT max(cycle) AS previous FROM cycle_journal WHERE bot_id = $1 AND cycle < $2',
        [botId, cycle],
      );
      return rows[0]?.previous ?? 0;
    },

    async journalEntries(botId) {
      const { rows } = await pool.query<
        { cycle: number; recorded_at: Date; strategy: string; equity: string } & Partial<FillRow>
      >(
        `SELECT j.cycle, j.recorded_at, j.decision->>'strategy' AS strategy, j.equity, f.client_order_id, f.bot_id,
                f.symbol, f.side, f.quantity, f.price, f.fee, f.realized_pnl, f.cash_after, f.filled_at
           FROM cycle_journal j LEFT JOIN fills f ON f.bot_id = j.bot_id AND f.cycle = j.cycle
          WHERE j.bot_id = $1 ORDER BY j.cycle`,
        [botId],
      );
      return rows.map((r) => ({
        cycle: r.cycle,
        time: r.recorded_at.toISOString(),
        strategy: r.strategy,
        equity: r.equity,
        fill: r.client_order_id ? fillFromRow({ ...(r as FillRow), cycle: r.cycle }) : null,
      }));
    },

    async resumePoint(botId) {
      const { rows } = await pool.query<{ last: number | null; price: string | null }>(
        `SELECT GREATEST((SELECT max(cycle) FROM cycle_journal WHERE bot_id = $1),
                         (SELECT max(cycle) FROM orders WHERE bot_id = $1)) AS last,
                (SELECT price FROM cycle_journal WHERE bot_id = $1 ORDER BY cycle DESC LIMIT 1) AS price`,
        [botId],
      );
      return { lastCycle: rows[0]?.last ?? 0, lastPrice: rows[0]?.price ?? null };
    },

    async lastPrice(botId) {
      const { rows } = await pool.query<{ price: string | null }>(
        'SELECT price FROM cycle_journal WHERE bot_id = $1 ORDER BY cycle DESC LIMIT 1',
        [botId],
      );
      return rows[0]?.price ?? null;
    },

    async statistics(botId) {
      const { rows } = await pool.query<{ accumulator: StatsAccumulator }>(
        'SELECT accumulator FROM bot_learning WHERE bot_id = $1',
        [botId],
      );
      return rows[0]?.accumulator ?? null;
    },

    async saveStatistics(botId, acc) {
      await pool.query(
        `INSERT INTO bot_learning (bot_id, last_cycle, accumulator) VALUES ($1, $2, $3)
         ON CONFLICT (bot_id) DO UPDATE SET last_cycle = EXCLUDED.last_cycle, accumulator = EXCLUDED.accumulator,
                                            updated_at = now()
          WHERE bot_learning.last_cycle <= EXCLUDED.last_cycle`,
        [botId, acc.lastCycle, JSON.stringify(acc)],
      );
    },
  };
}
