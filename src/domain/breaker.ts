// The market-data circuit breaker, pure, so the bot workflow can keep it in its durable state (plain JSON) and
// advance it deterministically with workflow time. After `threshold` consecutive failed live perceptions it
// opens: cycles go straight to the fallback for `cooldownSeconds`; then one half-open probe decides.

export interface BreakerState {
  state: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  threshold: number;
  cooldownSeconds: number;
  openedAt: string | null;
  /** When an open breaker lets one probe through. */
  reopenAt: string | null;
  lastError: string | null;
}

export function initialBreaker(threshold = 3, cooldownSeconds = 300): BreakerState {
  return {
    state: 'closed',
    consecutiveFailures: 0,
    threshold,
    cooldownSeconds,
    openedAt: null,
    reopenAt: null,
    lastError: null,
  };
}

/** Before a cycle: an open breaker whose cooldown is over turns half-open and lets this cycle probe. */
export function breakerBeforeCycle(b: BreakerState, nowMs: number): BreakerState {
  if (b.state === 'open' && b.reopenAt !== null && nowMs >= Date.parse(b.reopenAt)) return { ...b, state: 'half-open' };
  return b;
}

export function breakerAllowsLive(b: BreakerState): boolean {
  return b.state !== 'open';
}

/** After a cycle that tried live data: success closes the breaker; failures open it (a failed probe at once). */
export function breakerAfterAttempt(b: BreakerState, ok: boolean, nowMs: number, error?: string): BreakerState {
  if (ok) return { ...b, state: 'closed', consecutiveFailures: 0, openedAt: null, reopenAt: null };
  const failures = b.consecutiveFailures + 1;
  if (b.state === 'half-open' || failures >= b.threshold) {
    return {
      ...b,
      state: 'open',
      consecutiveFailures: failures,
      openedAt: new Date(nowMs).toISOString(),
      reopenAt: new Date(nowMs + b.cooldownSeconds * 1000).toISOString(),
      lastError: error ?? null,
    };
  }
  return { ...b, consecutiveFailures: failures, lastError: error ?? null };
}
