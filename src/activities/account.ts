import { ApplicationFailure } from '@temporalio/activity';
import { AccountMismatchError } from '../broker/paperBroker';
import type { Fill, PortfolioSummary } from '../domain/types';
import type { ActivityDeps } from './deps';

export interface OpenAccountInput {
  botId: string;
  symbol: string;
  startingCash: string;
}

export interface OpenAccountResult {
  portfolio: PortfolioSummary;
  /** The highest cycle number the ledger knows for this bot (journal or orders): a re-created bot resumes after it. */
  lastCycle: number;
}

export function makeAccountActivities({ pool, broker }: ActivityDeps) {
  return {
    async openAccount(input: OpenAccountInput): Promise<OpenAccountResult> {
      try {
        await broker.openAccount(input.botId, input.symbol, input.startingCash);
      } catch (err) {
        if (err instanceof AccountMismatchError) throw ApplicationFailure.nonRetryable(err.message, 'AccountMismatch');
        throw err;
      }
      const { rows } = await pool.query<{ last: number | null; price: string | null }>(
        `SELECT GREATEST((SELECT max(cycle) FROM cycle_journal WHERE bot_id = $1),
                         (SELECT max(cycle) FROM orders WHERE bot_id = $1)) AS last,
                (SELECT price FROM cycle_journal WHERE bot_id = $1 ORDER BY cycle DESC LIMIT 1) AS price`,
        [input.botId],
      );
      const mark = rows[0]?.price ?? null;
      return { portfolio: await broker.portfolio(input.botId, mark), lastCycle: rows[0]?.last ?? 0 };
    },
    /**
     * After a failed cycle: the ledger's portfolio (marked at the last journaled price) and the fill that cycle
     * booked, if it got that far, so the bot's view and its risk state catch up with what really happened.
     */
    async readLedgerAfterCycle(input: {
      botId: string;
      cycle: number;
    }): Promise<{ portfolio: PortfolioSummary; fill: Fill | null }> {
      const { rows } = await pool.query<{ price: string | null }>(
        'SELECT price FROM cycle_journal WHERE bot_id = $1 ORDER BY cycle DESC LIMIT 1',
        [input.botId],
      );
      return {
        portfolio: await broker.portfolio(input.botId, rows[0]?.price ?? null),
        fill: await broker.fill(`${input.botId}:${input.cycle}`),
      };
    },
  };
}
