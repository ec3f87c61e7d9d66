import type { Pool } from 'pg';
import type { JournalEntry, StatsAccumulator } from '../trading/learning';
import { fillFromRow, type FillRow } from './rows';

/**
 * A bot's cycle journal, oldest first, in the shape the learning code reads. Stats are recomputed from it,
 * so they always agree with the ledger; the cost grows with the journal (fine for months of minute cycles).
 */
export async function loadJournal(pool: Pool, botId: string): Promise<JournalEntry[]> {
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
}

/** A bot's stored running statistics, or null when it has none yet. */
export async function loadStatsAccumulator(pool: Pool, botId: string): Promise<StatsAccumulator | null> {
  const { rows } = await pool.query<{ accumulator: StatsAccumulator }>(
    'SELECT accumulator FROM bot_learning WHERE bot_id = $1',
    [botId],
  );
  return rows[0]?.accumulator ?? null;
}

/** Stores a bot's running statistics unless newer ones are there already (a late retry never rolls them back). */
export async function saveStatsAccumulator(pool: Pool, botId: string, acc: StatsAccumulator): Promise<void> {
  await pool.query(
    `INSERT INTO bot_learning (bot_id, last_cycle, accumulator) VALUES ($1, $2, $3)
     ON CONFLICT (bot_id) DO UPDATE SET last_cycle = EXCLUDED.last_cycle, accumulator = EXCLUDED.accumulator,
                                        updated_at = now()
      WHERE bot_learning.last_cycle <= EXCLUDED.last_cycle`,
    [botId, acc.lastCycle, JSON.stringify(acc)],
  );
}
