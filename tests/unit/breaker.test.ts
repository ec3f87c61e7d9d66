import { breakerAfterAttempt, breakerAllowsLive, breakerBeforeCycle, initialBreaker } from '../../src/domain/breaker';

const t0 = Date.UTC(2026, 0, 1);

describe('circuit breaker', () => {
  it('opens after `threshold` consecutive failures and not before', () => {
    let b = initialBreaker(3, 60);
    b = breakerAfterAttempt(b, false, t0, 'timeout');
    b = breakerAfterAttempt(b, false, t0, 'timeout');
    expect(b).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
    expect(breakerAllowsLive(b)).toBe(true);
    b = breakerAfterAttempt(b, false, t0, 'http 502');
    expect(b).toMatchObject({ state: 'open', consecutiveFailures: 3, lastError: 'http 502' });
    expect(b.reopenAt).toBe(new Date(t0 + 60_000).toISOString());
    expect(breakerAllowsLive(b)).toBe(false);
  });

  it('a success resets the failure count', () => {
    let b = breakerAfterAttempt(initialBreaker(3, 60), false, t0);
    b = breakerAfterAttempt(b, true, t0);
    expect(b).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('stays open during the cooldown, then lets one half-open probe decide', () => {
    let b = initialBreaker(1, 60);
    b = breakerAfterAttempt(b, false, t0);
    expect(breakerBeforeCycle(b, t0 + 59_999).state).toBe('open');
    const probing = breakerBeforeCycle(b, t0 + 60_000);
    expect(probing.state).toBe('half-open');
    expect(breakerAllowsLive(probing)).toBe(true);
    const failedProbe = breakerAfterAttempt(probing, false, t0 + 60_000);
    expect(failedProbe).toMatchObject({ state: 'open', reopenAt: new Date(t0 + 120_000).toISOString() });
    const goodProbe = breakerAfterAttempt(probing, true, t0 + 60_000);
    expect(goodProbe).toMatchObject({ state: 'closed', consecutiveFailures: 0, reopenAt: null });
  });

  it('survives a JSON round trip (continue-as-new) unchanged', () => {
    const b = breakerAfterAttempt(initialBreaker(1, 60), false, t0, 'quota');
    expect(JSON.parse(JSON.stringify(b))).toEqual(b);
  });
});
