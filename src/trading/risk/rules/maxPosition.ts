import { roundQty } from '../../../domain/money';
import { pct, qty, usd } from '../format';
import { isEntry, PASS, type RiskRule } from '../types';

/** The position after a buy is worth at most `maxPositionFraction` of equity at the perceived price. */
export const maxPositionRule: RiskRule = {
  name: 'max-position',
  check(order, ctx) {
    if (!isEntry(order)) return PASS;
    const fraction = ctx.limits.maxPositionFraction;
    const cap = ctx.equity.mul(fraction);
    const after = ctx.held.plus(order.quantity).mul(ctx.price);
    if (after.lte(cap)) return PASS;
    const allowed = roundQty(cap.div(ctx.price).minus(ctx.held));
    if (allowed.lte(0)) {
      return {
        kind: 'reject',
        reason: `position of ${qty(ctx.held)} is already at the limit ${usd(cap)} (${pct(fraction)} of equity)`,
      };
    }
    return {
      kind: 'amend',
      order: { side: 'buy', quantity: allowed },
      reason:
        `buy of ${qty(order.quantity)} resized to ${qty(allowed)}: position limit ${usd(cap)} ` +
        `(${pct(fraction)} of equity ${usd(ctx.equity)})`,
    };
  },
};
