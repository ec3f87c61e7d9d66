import { dec } from '../../../domain/money';
import { pct, qty, usd } from '../format';
import { PASS, type RiskRule } from '../types';

/** Exits the whole position when the price rises `takeProfitFraction` above its average cost. */
export const takeProfitRule: RiskRule = {
  name: 'take-profit',
  check(_order, ctx) {
    const fraction = ctx.limits.takeProfitFraction;
    if (fraction <= 0 || ctx.held.lte(0) || ctx.averageCost.lte(0)) return PASS;
    const target = ctx.averageCost.mul(dec(1).plus(fraction));
    if (ctx.price.lt(target)) return PASS;
    return {
      kind: 'amend',
      order: { side: 'sell', quantity: ctx.held },
      reason:
        `price ${usd(ctx.price)} reached the target ${usd(target)} (${pct(fraction)} over average cost ` +
        `${usd(ctx.averageCost)}): sell all ${qty(ctx.held)}`,
    };
  },
};
