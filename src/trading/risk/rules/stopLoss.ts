import { dec } from '../../../domain/money';
import { pct, qty, usd } from '../format';
import { PASS, type RiskRule } from '../types';

/** Exits the whole position when the price falls `stopLossFraction` below its average cost, whatever was decided. */
export const stopLossRule: RiskRule = {
  name: 'stop-loss',
  check(_order, ctx) {
    const fraction = ctx.limits.stopLossFraction;
    if (fraction <= 0 || ctx.held.lte(0) || ctx.averageCost.lte(0)) return PASS;
    const stop = ctx.averageCost.mul(dec(1).minus(fraction));
    if (ctx.price.gt(stop)) return PASS;
    return {
      kind: 'amend',
      order: { side: 'sell', quantity: ctx.held },
      reason:
        `price ${usd(ctx.price)} is at or below the stop ${usd(stop)} (${pct(fraction)} under average cost ` +
        `${usd(ctx.averageCost)}): sell all ${qty(ctx.held)}`,
    };
  },
};
