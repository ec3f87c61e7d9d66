import { isEntry, PASS, type RiskRule } from '../types';

/**
 * No new entry on untrustworthy data: mock prices or prices older than `maxDataAgeSeconds`. Quicktest mode runs on
 * mock data by design, so the rule stands aside there. Exits are never blocked: stale data is no reason to keep risk.
 */
export const dataQualityRule: RiskRule = {
  name: 'data-quality',
  check(order, ctx) {
    if (!isEntry(order) || ctx.mode === 'quicktest') return PASS;
    if (ctx.source === 'mock') {
      return { kind: 'reject', reason: 'market data is mock data outside quicktest mode: no new entries' };
    }
    const maxAge = ctx.limits.maxDataAgeSeconds;
    if (ctx.dataAgeSeconds > maxAge) {
      return {
        kind: 'reject',
        reason: `market data from ${ctx.source} is ${ctx.dataAgeSeconds}s old (limit ${maxAge}s): no new entries`,
      };
    }
    return PASS;
  },
};
