import type { Pool, PoolClient } from 'pg';
import { bookFill } from '../domain/fills';
import { dec, formatQty, roundQty } from '../domain/money';
import type { BrokerCosts, ExecutionResult, Fill, OrderIntent } from '../domain/types';
import { AccountNotFoundError, ClientOrderIdConflictError } from './errors';
import { fillFromRow, type FillRow } from './rows';

/**
 * The paper broker: the one broker implementation, booking market orders into the Postgres ledger at the fill
 * model's price (src/domain/fills.ts). Every order carries `clientOrderId = <botId>:<cycle>`; a retried execution
 * finds its order by that id and returns the original outcome, so a cycle fills at most once.
 */
export interface PaperBroker {
  placeMarketOrder(intent: OrderIntent, costs: BrokerCosts): Promise<ExecutionResult>;
  fills(botId: string): Promise<Fill[]>;
  fill(clientOrderId: string): Promise<Fill | null>;
}

export function paperBrokerIn(pool: Pool): PaperBroker {
  return {
    placeMarketOrder: (intent, costs) => inTransaction(pool, (db) => bookOrder(db, intent, costs)),

    async fill(clientOrderId) {
      const { rows } = await pool.query<FillRow>('SELECT * FROM fills WHERE client_order_id = $1', [clientOrderId]);
      return rows[0] ? fillFromRow(rows[0]) : null;
    },

    async fills(botId) {
      const { rows } = await pool.query<FillRow>('SELECT * FROM fills WHERE bot_id = $1 ORDER BY id', [botId]);
      return rows.map(fillFromRow);
    },
  };
}

async function bookOrder(db: PoolClient, intent: OrderIntent, costs: BrokerCosts): Promise<ExecutionResult> {
  // Lock the account first: concurrent attempts for the same bot queue here, and the second one then
  // sees the first one's order below instead of racing it.
  const account = await db.query<{ cash: string; realized_pnl: string }>(
    'SELECT cash, realized_pnl FROM accounts WHERE bot_id = $1 FOR UPDATE',
    [intent.botId],
  );
  if (account.rowCount === 0) throw new AccountNotFoundError(`no account for bot "${intent.botId}"`);

  const existing = await findOutcome(db, intent);
  if (existing) return existing;

  const position = await db.query<{ quantity: string; average_cost: string }>(
    'SELECT quantity, average_cost FROM positions WHERE bot_id = $1 AND symbol = $2',
    [intent.botId, intent.symbol],
  );
  const held = position.rows[0] ?? { quantity: '0', average_cost: '0' };
  const outcome = bookFill(
    {
      cash: account.rows[0].cash,
      quantity: held.quantity,
      averageCost: held.average_cost,
      realizedPnl: account.rows[0].realized_pnl,
    },
    { side: intent.side, quantity: intent.quantity, referencePrice: intent.referencePrice },
    costs,
  );
  const order = await db.query<{ id: string }>(
    `INSERT INTO orders (client_order_id, bot_id, cycle, symbol, side, quantity, reference_price, status, reject_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      intent.clientOrderId,
      intent.botId,
      intent.cycle,
      intent.symbol,
      intent.side,
      roundQty(dec(intent.quantity)).abs().toFixed(),
      intent.referencePrice,
      outcome.ok ? 'filled' : 'rejected',
      outcome.ok ? null : outcome.reason,
    ],
  );
  if (!outcome.ok) {
    return { status: 'rejected', clientOrderId: intent.clientOrderId, reason: outcome.reason, duplicate: false };
  }
  const filled = await db.query<FillRow>(
    `INSERT INTO fills (order_id, client_order_id, bot_id, cycle, symbol, side, quantity, price, fee, realized_pnl,
                        cash_after, filled_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now()) RETURNING *`,
    [
      order.rows[0].id,
      intent.clientOrderId,
      intent.botId,
      intent.cycle,
      intent.symbol,
      intent.side,
      outcome.quantity,
      outcome.price,
      outcome.fee,
      outcome.realizedPnl,
      outcome.after.cash,
    ],
  );
  await db.query(
    `INSERT INTO positions (bot_id, symbol, quantity, average_cost) VALUES ($1, $2, $3, $4)
     ON CONFLICT (bot_id, symbol) DO UPDATE SET quantity = $3, average_cost = $4, updated_at = now()`,
    [intent.botId, intent.symbol, outcome.after.quantity, outcome.after.averageCost],
  );
  await db.query('UPDATE accounts SET cash = $2, realized_pnl = $3, updated_at = now() WHERE bot_id = $1', [
    intent.botId,
    outcome.after.cash,
    outcome.after.realizedPnl,
  ]);
  return { status: 'filled', fill: fillFromRow(filled.rows[0]), duplicate: false };
}

/** The outcome already booked under this client order id, if any; a different order under it is a conflict. */
async function findOutcome(db: PoolClient, intent: OrderIntent): Promise<ExecutionResult | null> {
  const { clientOrderId } = intent;
  const { rows } = await db.query<
    {
      status: string;
      reject_reason: string | null;
      order_symbol: string;
      order_side: string;
      order_quantity: string;
    } & Partial<FillRow>
  >(
    `SELECT o.status, o.reject_reason, o.symbol AS order_symbol, o.side AS order_side, o.quantity AS order_quantity, f.*
       FROM orders o LEFT JOIN fills f ON f.order_id = o.id WHERE o.client_order_id = $1`,
    [clientOrderId],
  );
  if (rows.length === 0) return null;
  const row = rows[0];
  if (
    row.order_symbol !== intent.symbol ||
    row.order_side !== intent.side ||
    !dec(row.order_quantity).eq(roundQty(dec(intent.quantity)))
  ) {
    throw new ClientOrderIdConflictError(
      `client order id ${clientOrderId} already names ${row.order_side} ${formatQty(row.order_quantity)} ` +
        `${row.order_symbol}, not ${intent.side} ${intent.quantity} ${intent.symbol}`,
    );
  }
  if (row.status === 'rejected') {
    return { status: 'rejected', clientOrderId, reason: row.reject_reason ?? 'rejected', duplicate: true };
  }
  return { status: 'filled', fill: fillFromRow(row as FillRow), duplicate: true };
}

async function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const result = await work(db);
    await db.query('COMMIT');
    return result;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.release();
  }
}
