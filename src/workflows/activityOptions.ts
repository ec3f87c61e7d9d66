import type { ActivityOptions } from '@temporalio/workflow';

// Timeouts and retry policies for every phase, in one place. Retries and backoff come from these policies
// only: no activity loops on its own.

const backoff = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' } as const;

export const phaseOptions = {
  /** Opening the account reads and writes the ledger: retry until Postgres answers. */
  account: { startToCloseTimeout: '15s', retry: { ...backoff, maximumAttempts: 10 } },
  /** Outside data: a short leash. Exhausted retries send the cycle to the fallback activity. */
  perception: {
    startToCloseTimeout: '30s',
    retry: { ...backoff, maximumAttempts: 3 },
  },
  /** Reading the cache in Postgres when live perception failed for good. */
  fallback: { startToCloseTimeout: '15s', retry: { ...backoff, maximumAttempts: 5 } },
  /** Pure computation: a failure here is a bug or bad config; few retries, then the cycle fails visibly. */
  reasoning: {
    startToCloseTimeout: '10s',
    retry: { ...backoff, maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidConfig'] },
  },
  riskCheck: {
    startToCloseTimeout: '10s',
    retry: { ...backoff, maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidConfig'] },
  },
  /** Idempotent by clientOrderId, so it is safe to retry until the ledger answers. */
  execution: {
    startToCloseTimeout: '15s',
    retry: { ...backoff, maximumAttempts: 20, nonRetryableErrorTypes: ['InvalidOrder', 'AccountNotFound'] },
  },
  learning: { startToCloseTimeout: '15s', retry: { ...backoff, maximumAttempts: 20 } },
} satisfies Record<string, ActivityOptions>;
