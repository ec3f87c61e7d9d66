import { pct, usd } from '../format';
import { isEntry, PASS, type RiskRule } from '../types';

/** Blocks new entries for the rest of the UTC day once the day's realized loss reaches its limit. */
export const dailyLossLimitRule: RiskRule = {
  name: 'daily-loss-limit',
  check(order, ctx) {
    if (!isEntry(order)) return PASS;
    const fraction = ctx.limits.maxDailyLossFraction;
    const limit = ctx.equity.mul(fraction);
    const loss = ctx.realizedPnlToday.neg();
    if (loss.lt(limit)) return PASS;
    return {
      kind: 'reject',
      reason:
        `realized loss today ${usd(loss)} reached the daily limit ${usd(limit)} (${pct(fraction)} of equity): ` +
        'no new entries until the next UTC day',
    };
  },
};
