import { ApplicationFailure } from '@temporalio/activity';
import { AccountMismatchError } from '../ledger';
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

export function makeAccountActivities({ ledger }: ActivityDeps) {
  return {
    async openAccount(input: OpenAccountInput): Promise<OpenAccountResult> {
      try {
        await ledger.openAccount(input.botId, input.symbol, input.startingCash);
      } catch (err) {
        if (err instanceof AccountMismatchError) throw ApplicationFailure.nonRetryable(err.message, 'AccountMismatch');
        throw err;
      }
      const { lastCycle, lastPrice } = await ledger.resumePoint(input.botId);
      return { portfolio: await ledger.portfolio(input.botId, lastPrice), lastCycle };
    },
    /**
     * After a failed cycle: the ledger's portfolio (marked at the last journaled price) and the fill that cycle
     * booked, if it got that far, so the bot's view and its risk state catch up with what really happened.
     */
    async readLedgerAfterCycle(input: {
      botId: string;
      cycle: number;
    }): Promise<{ portfolio: PortfolioSummary; fill: Fill | null }> {
      return {
        portfolio: await ledger.portfolio(input.botId, await ledger.lastPrice(input.botId)),
        fill: await ledger.fill(`${input.botId}:${input.cycle}`),
      };
    },
  };
}
