import Decimal from 'decimal.js';
import { Client as PgClient } from 'pg';
import { roundCash } from '../../src/domain/money';
import type { CycleRecord } from './histories';

// Audits the ledger against itself and against the workflow histories, never against the bots' own counters:
//   - each account's cash, realized PnL and position equal those recomputed from its fills, to the cent;
//   - each clientOrderId has at most one order and one fill;
//   - every completed cycle workflow has exactly one journal row, and every journal row a completed cycle.

export interface AccountMismatch {
  botId: string;
  field: 'cash' | 'realizedPnl' | 'position';
  ledger: string;
  recomputed: string;
}

export interface LedgerAudit {
  accounts: number;
  fills: number;
  buys: number;
  sells: number;
  /** Round trips closed at a gain and at a loss (from the fills' realized PnL on sells). */
  winningSells: number;
  losingSells: number;
  accountMismatches: AccountMismatch[];
  duplicateOrders: string[];
  duplicateFills: string[];
  journalRows: number;
  /** Completed cycles in history without a journal row, and journal rows without a completed cycle. */
  missingJournal: string[];
  orphanJournal: string[];
}

const money = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

export async function auditLedger(
  databaseUrl: string,
  botIds: readonly string[],
  cycles: readonly CycleRecord[],
): Promise<LedgerAudit> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const ids = [...botIds];
    const accounts = await db.query<{ bot_id: string; starting_cash: string; cash: string; realized_pnl: string }>(
      'SELECT bot_id, starting_cash, cash, realized_pnl FROM accounts WHERE bot_id = ANY($1)',
      [ids],
    );
    const positions = await db.query<{ bot_id: string; quantity: string }>(
      'SELECT bot_id, quantity FROM positions WHERE bot_id = ANY($1)',
      [ids],
    );
    const fills = await db.query<{
      bot_id: string;
      side: 'buy' | 'sell';
      quantity: string;
      price: string;
      fee: string;
      realized_pnl: string;
    }>('SELECT bot_id, side, quantity, price, fee, realized_pnl FROM fills WHERE bot_id = ANY($1) ORDER BY id', [ids]);
    const dupOrders = await db.query<{ client_order_id: string }>(
      `SELECT client_order_id FROM orders WHERE bot_id = ANY($1) GROUP BY client_order_id HAVING count(*) > 1`,
      [ids],
    );
    const dupFills = await db.query<{ client_order_id: string }>(
      `SELECT client_order_id FROM fills WHERE bot_id = ANY($1) GROUP BY client_order_id HAVING count(*) > 1`,
      [ids],
    );
    const journal = await db.query<{ workflow_id: string }>(
      'SELECT workflow_id FROM cycle_journal WHERE bot_id = ANY($1)',
      [ids],
    );

    const mismatches: AccountMismatch[] = [];
    for (const a of accounts.rows) {
      let cash = new Decimal(a.starting_cash);
      let realized = new Decimal(0);
      let held = new Decimal(0);
      for (const f of fills.rows.filter((r) => r.bot_id === a.bot_id)) {
        // The broker books the notional rounded to the ledger's cash precision (CASH_DP); so does this. The fill's
        // price is stored to 8 places, so the comparison below is to the cent.
        const notional = roundCash(new Decimal(f.quantity).mul(f.price));
        cash = f.side === 'buy' ? cash.minus(notional).minus(f.fee) : cash.plus(notional).minus(f.fee);
        held = f.side === 'buy' ? held.plus(f.quantity) : held.minus(f.quantity);
        realized = realized.plus(f.realized_pnl);
      }
      const position = new Decimal(positions.rows.find((p) => p.bot_id === a.bot_id)?.quantity ?? 0);
      const check = (field: AccountMismatch['field'], ledger: string, recomputed: string) => {
        if (ledger !== recomputed) mismatches.push({ botId: a.bot_id, field, ledger, recomputed });
      };
      check('cash', money(new Decimal(a.cash)), money(cash));
      check('realizedPnl', money(new Decimal(a.realized_pnl)), money(realized));
      check('position', position.toFixed(8), held.toFixed(8));
    }

    const journalIds = journal.rows.map((r) => r.workflow_id);
    const journalSet = new Set(journalIds);
    const completed = new Set(cycles.filter((c) => c.outcome === 'completed').map((c) => c.workflowId));
    const journalDuplicates = journalIds.filter((id, i) => journalIds.indexOf(id) !== i);
    const sells = fills.rows.filter((f) => f.side === 'sell');
    return {
      accounts: accounts.rows.length,
      fills: fills.rows.length,
      buys: fills.rows.length - sells.length,
      sells: sells.length,
      winningSells: sells.filter((f) => new Decimal(f.realized_pnl).gt(0)).length,
      losingSells: sells.filter((f) => new Decimal(f.realized_pnl).lte(0)).length,
      accountMismatches: mismatches,
      duplicateOrders: dupOrders.rows.map((r) => r.client_order_id),
      duplicateFills: dupFills.rows.map((r) => r.client_order_id),
      journalRows: journal.rows.length,
      missingJournal: [...completed].filter((id) => !journalSet.has(id)),
      orphanJournal: [...new Set([...journalSet].filter((id) => !completed.has(id))), ...journalDuplicates],
    };
  } finally {
    await db.end();
  }
}
