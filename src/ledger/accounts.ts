import type { Pool } from 'pg';
import { equityOf } from '../domain/fills';
import { dec, formatMoney, formatQty } from '../domain/money';
import type { PortfolioSummary } from '../domain/types';
import { AccountMismatchError, AccountNotFoundError } from './errors';

/** A bot's paper account: one symbol, the cash it started with. */
export interface Account {
  botId: string;
  symbol: string;
  startingCash: string;
}

export interface Accounts {
  /** Opens the bot's account, or finds it; an existing account for another symbol is an AccountMismatchError. */
  openAccount(botId: string, symbol: string, startingCash: string): Promise<Account>;
  account(botId: string): Promise<Account | null>;
  /** Cash, position and P&L, with equity marked at `markPrice` (the cost basis when null). */
  portfolio(botId: string, markPrice: string | null): Promise<PortfolioSummary>;
}

export function accountsIn(pool: Pool): Accounts {
  async function account(botId: string): Promise<Account | null> {
    const { rows } = await pool.query<{ symbol: string; starting_cash: string }>(
      'SELECT symbol, starting_cash FROM accounts WHERE bot_id = $1',
      [botId],
    );
    return rows[0] ? { botId, symbol: rows[0].symbol, startingCash: formatMoney(rows[0].starting_cash) } : null;
  }

  return {
    account,

    async openAccount(botId, symbol, startingCash) {
      await pool.query(
        `INSERT INTO accounts (bot_id, symbol, starting_cash, cash) VALUES ($1, $2, $3, $3)
         ON CONFLICT (bot_id) DO NOTHING`,
        [botId, symbol, startingCash],
      );
      const found = (await account(botId))!;
      if (found.symbol !== symbol) {
        throw new AccountMismatchError(
          `bot "${botId}" already has a ledger account for ${found.symbol}; it cannot trade ${symbol} on it`,
        );
      }
      return found;
    },

    async portfolio(botId, markPrice) {
      const { rows } = await pool.query<{
        symbol: string;
        cash: string;
        realized_pnl: string;
        quantity: string | null;
        average_cost: string | null;
      }>(
        `SELECT a.symbol, a.cash, a.realized_pnl, p.quantity, p.average_cost
           FROM accounts a LEFT JOIN positions p ON p.bot_id = a.bot_id AND p.symbol = a.symbol
          WHERE a.bot_id = $1`,
        [botId],
      );
      if (rows.length === 0) throw new AccountNotFoundError(`no account for bot "${botId}"`);
      const r = rows[0];
      const quantity = formatQty(r.quantity ?? '0');
      return {
        cash: formatMoney(r.cash),
        equity: equityOf(r.cash, quantity, markPrice),
        realizedPnl: formatMoney(r.realized_pnl),
        position: { symbol: r.symbol, quantity, averageCost: dec(r.average_cost ?? '0').toFixed() },
        markPrice,
      };
    },
  };
}
