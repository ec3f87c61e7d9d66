import type { ActivityOptions } from '@temporalio/workflow';

// Timeouts and retry policies for every phase, in one place. Retries and backoff come from these policies
// only: no activity loops on its own.

const backoff = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' } as const;

export const phaseOptions = {
  /**
   * Opening the account (and re-reading it after a failed cycle) only needs Postgres: retry until it answers,
   * however long. A ledger that disagrees with the bot's config cannot be fixed by retrying.
   */
  account: {
    summary: 'ACCOUNT: open or re-read the ledger account',
    startToCloseTimeout: '15s',
    retry: { ...backoff, nonRetryableErrorTypes: ['AccountMismatch'] },
  },
  /** Synthetic data (quicktest, last resort): pure computation. */
  syntheticPerception: {
    summary: 'PERCEPTION: synthetic market',
    startToCloseTimeout: '10s',
    retry: { ...backoff, maximumAttempts: 3 },
  },
  /**
   * One Alpha Vantage request, on the rate-limited market-data queue. The client aborts at
   * ALPHAVANTAGE_TIMEOUT_SECONDS (at most 25); start-to-close backs it up. Schedule-to-close bounds the whole
   * retry run (and a queue no worker serves), after which the cycle takes the fallback. maximumAttempts is
   * per bot (config.marketDataMaxAttempts); typed failures that retrying cannot fix are non-retryable.
   */
  alphaVantageFetch: {
    summary: 'PERCEPTION: Alpha Vantage request',
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '3m',
    retry: { ...backoff, maximumAttempts: 3 },
  },
  /** Reading the market-data cache in Postgres (fresh data, and the fallback when live failed). */
  cachePerception: {
    summary: 'PERCEPTION: market-data cache',
    startToCloseTimeout: '15s',
    retry: { ...backoff, maximumAttempts: 5 },
  },
  /** Pure computation: a failure here is a bug or bad config; few retries, then the cycle fails visibly. */
  reasoning: {
    summary: 'REASONING: strategy decides',
    startToCloseTimeout: '10s',
    retry: { ...backoff, maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidConfig'] },
  },
  riskCheck: {
    summary: 'RISK_CHECK: gatekeeper judges the order',
    startToCloseTimeout: '10s',
    retry: { ...backoff, maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidConfig'] },
  },
  /**
   * Idempotent by clientOrderId, so it retries until the ledger answers, however long: giving up could leave a
   * booked fill the bot never hears of. Only an order that can never be booked fails for good.
   */
  execution: {
    summary: 'EXECUTION: paper broker books the order',
    startToCloseTimeout: '15s',
    retry: { ...backoff, nonRetryableErrorTypes: ['InvalidOrder', 'AccountNotFound', 'ClientOrderIdConflict'] },
  },
  /** Idempotent per (bot, cycle); after a fill the cycle must be journaled, so it never gives up either. */
  learning: {
    summary: 'LEARNING: journal and statistics',
    startToCloseTimeout: '30s',
    retry: { ...backoff },
  },
} satisfies Record<string, ActivityOptions>;

/** Alpha Vantage calls run on their own task queue, whose workers share one rate limit for the key. */
export function marketDataQueue(taskQueue: string): string {
  return `${taskQueue}-market-data`;
}
