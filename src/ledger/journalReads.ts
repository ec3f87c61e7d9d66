import type { Pool } from 'pg';
import { dec, formatMoney } from '../domain/money';
import type { DataSource, Decision, Fill, RiskVerdict } from '../domain/types';
import { fillFromRow, type FillRow } from './rows';

// Reads of the cycle journal and the fills for the API: one cycle with its fill, pages of cycles and trades
// (keyset pagination: newest first, a page ends before the cycle or fill id it was given), the equity series.

export interface JournalRow {
  cycle: number;
  workflowId: string;
  recordedAt: string;
  dataSource: DataSource;
  dataAgeSeconds: number;
  price: string;
  decision: Decision;
  verdict: Pick<RiskVerdict, 'approved' | 'rule' | 'reason' | 'order' | 'amendments'>;
  /** The execution phase's summary as journaled (status, clientOrderId, side, quantity, price, fee, ...). */
  execution: Record<string, unknown> | null;
  cash: string;
  equity: string;
  realizedPnl: string;
}

interface RawJournalRow {
  cycle: number;
  workflow_id: string;
  recorded_at: Date;
  data_source: DataSource;
  data_age_seconds: string;
  price: string;
  decision: Decision;
  verdict: JournalRow['verdict'];
  execution: Record<string, unknown> | null;
  cash: string;
  equity: string;
  realized_pnl: string;
}

const COLUMNS = `cycle, workflow_id, recorded_at, data_source, data_age_seconds, price, decision, verdict, execution,
                 cash, equity, realized_pnl`;

function journalRow(r: RawJournalRow): JournalRow {
  return {
    cycle: r.cycle,
    workflowId: r.workflow_id,
    recordedAt: r.recorded_at.toISOString(),
    dataSource: r.data_source,
    dataAgeSeconds: Number(r.data_age_seconds),
    price: dec(r.price).toFixed(),
    decision: r.decision,
    verdict: r.verdict,
    execution: r.execution,
    cash: formatMoney(r.cash),
    equity: formatMoney(r.equity),
    realizedPnl: formatMoney(r.realized_pnl),
  };
}

/** What the API reads of the journal and the fills, to show and explain a bot's cycles and trades. */
export interface JournalReads {
  /** Cycle `cycle` of the bot and the one journaled before it (for the effect on cash and P&L). */
  cycleWithPrevious(
    botId: string,
    cycle: number,
  ): Promise<{ row: JournalRow; previous: JournalRow | null; fill: Fill | null } | null>;
  /** Up to `limit` cycles, newest first, older than `beforeCycle` when given. */
  cycles(botId: string, limit: number, beforeCycle?: number): Promise<JournalRow[]>;
  /** Up to `limit` fills with their ordinal (1 = the bot's first fill), newest first, before `beforeOrdinal`. */
  trades(botId: string, limit: number, beforeOrdinal?: number): Promise<(Fill & { ordinal: number })[]>;
  /** The bot's n-th fill (1-based, in booking order), or null. */
  nthFill(botId: string, n: number): Promise<Fill | null>;
  /** The journaled cycles from `fromCycle` to `toCycle`, inclusive, oldest first (a what-if's observations). */
  cycleRange(botId: string, fromCycle: number, toCycle: number): Promise<JournalRow[]>;
  /** Equity after each journaled cycle, oldest first, at most `limit` points (the newest). */
  equity(botId: string, limit: number): Promise<{ cycle: number; at: string; equity: string }[]>;
}

export function journalReadsIn(pool: Pool): JournalReads {
  return {
    async cycleWithPrevious(botId, cycle) {
      const { rows } = await pool.query<RawJournalRow>(
        `SELECT ${COLUMNS} FROM cycle_journal WHERE bot_id = $1 AND cycle <= $2 ORDER BY cycle DESC LIMIT 2`,
        [botId, cycle],
      );
      if (rows[0]?.cycle !== cycle) return null;
      const fills = await pool.query<FillRow>('SELECT * FROM fills WHERE bot_id = $1 AND cycle = $2', [botId, cycle]);
      return {
        row: journalRow(rows[0]),
        previous: rows[1] ? journalRow(rows[1]) : null,
        fill: fills.rows[0] ? fillFromRow(fills.rows[0]) : null,
      };
    },

    async cycles(botId, limit, beforeCycle) {
      const { rows } = await pool.query<RawJournalRow>(
        `SELECT ${COLUMNS} FROM cycle_journal WHERE bot_id = $1 AND ($2::int IS NULL OR cycle < $2)
          ORDER BY cycle DESC LIMIT $3`,
        [botId, beforeCycle ?? null, limit],
      );
      return rows.map(journalRow);
    },

    async cycleRange(botId, fromCycle, toCycle) {
      const { rows } = await pool.query<RawJournalRow>(
        `SELECT ${COLUMNS} FROM cycle_journal WHERE bot_id = $1 AND cycle BETWEEN $2 AND $3 ORDER BY cycle`,
        [botId, fromCycle, toCycle],
      );
      return rows.map(journalRow);
    },

    async trades(botId, limit, beforeOrdinal) {
      const { rows } = await pool.query<FillRow & { ordinal: string }>(
        `SELECT * FROM (SELECT f.*, row_number() OVER (ORDER BY id) AS ordinal FROM fills f WHERE bot_id = $1) t
          WHERE ($2::bigint IS NULL OR ordinal < $2) ORDER BY ordinal DESC LIMIT $3`,
        [botId, beforeOrdinal ?? null, limit],
      );
      return rows.map((r) => ({ ...fillFromRow(r), ordinal: Number(r.ordinal) }));
    },

    async nthFill(botId, n) {
      const { rows } = await pool.query<FillRow>(
        'SELECT * FROM fills WHERE bot_id = $1 ORDER BY id OFFSET $2 LIMIT 1',
        [botId, n - 1],
      );
      return rows[0] ? fillFromRow(rows[0]) : null;
    },

    async equity(botId, limit) {
      const { rows } = await pool.query<{ cycle: number; recorded_at: Date; equity: string }>(
        `SELECT * FROM (SELECT cycle, recorded_at, equity FROM cycle_journal WHERE bot_id = $1
                         ORDER BY cycle DESC LIMIT $2) t ORDER BY cycle`,
        [botId, limit],
      );
      return rows.map((r) => ({ cycle: r.cycle, at: r.recorded_at.toISOString(), equity: formatMoney(r.equity) }));
    },
  };
}
