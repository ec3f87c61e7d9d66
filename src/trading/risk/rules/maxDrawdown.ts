import { dec } from '../../../domain/money';
import { pct, usd } from '../format';
import { PASS, type RiskRule } from '../types';

/**
 * The max-drawdown halt: equity `maxDrawdownFraction` below its peak halts the bot. A halted bot takes no new entry
 * (a hold is reported as this rule's rejection, so the halt shows in every cycle's verdict) until an operator
 * resumes it; exits still go through. The caller keeps `halted` and the peak in durable state.
 */
export const maxDrawdownRule: RiskRule = {
  name: 'max-drawdown',
  check(order, ctx) {
    const limit = ctx.limits.maxDrawdownFraction;
    const drawdown = ctx.peakEquity.gt(0) ? ctx.peakEquity.minus(ctx.equity).div(ctx.peakEquity) : dec(0);
    const breached = drawdown.gte(limit);
    if (!ctx.halted && !breached) return PASS;
    if (order?.side === 'sell') return { kind: 'pass', halt: true };
    const why = breached
      ? `equity ${usd(ctx.equity)} is ${pct(drawdown)} below its peak ${usd(ctx.peakEquity)} (limit ${pct(limit)})`
      : 'halted after a max-drawdown breach';
    return { kind: 'reject', reason: `${why}: no new entries until an operator resumes the bot`, halt: true };
  },
};
