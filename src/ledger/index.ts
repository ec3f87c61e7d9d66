import type { Pool } from 'pg';
import { type Accounts, accountsIn } from './accounts';
import { ledgerFiguresIn, type LedgerFigures } from './figures';
import { type CycleJournal, cycleJournalIn } from './journal';
import { type JournalReads, journalReadsIn } from './journalReads';
import { type PaperBroker, paperBrokerIn } from './paperBroker';

// The ledger: accounts, orders, fills, positions, the cycle journal and the bots' running statistics. All of
// their SQL is in this folder; everything else (activities, the API) sees this one typed interface, never a
// pool. The schema is the migrations' (migrations/*.sql). Money comes and goes as decimal strings (NUMERIC).

export interface Ledger extends Accounts, PaperBroker, CycleJournal, JournalReads, LedgerFigures {
  /** Answers when Postgres does (readiness); rejects when it does not. */
  ping(): Promise<void>;
}

/** What the activities use: accounts, the paper broker and the journal's write side. */
export type TradingLedger = Accounts & PaperBroker & CycleJournal;

/** What the API may use: reads only. A bot's ledger changes through its workflow's activities alone. */
export type LedgerReader = Pick<Ledger, 'account' | 'statistics' | 'ping' | keyof JournalReads | keyof LedgerFigures>;

export function postgresLedger(pool: Pool): Ledger {
  return {
    ...accountsIn(pool),
    ...paperBrokerIn(pool),
    ...cycleJournalIn(pool),
    ...journalReadsIn(pool),
    ...ledgerFiguresIn(pool),
    ping: () => pool.query('SELECT 1').then(() => undefined),
  };
}

export type { Account } from './accounts';
export { AccountMismatchError, AccountNotFoundError, ClientOrderIdConflictError } from './errors';
export type { CycleRecord } from './journal';
export type { JournalRow } from './journalReads';
