import { dec, roundQty } from '../../../domain/money';
import { qty, usd } from '../format';
import { isEntry, PASS, type RiskRule } from '../types';

/** A fat-finger guard: one buy is worth at most `maxOrderNotional` at the perceived price; larger ones are resized. */
export const maxOrderNotionalRule: RiskRule = {
  name: 'max-order-notional',
  check(order, ctx) {
    if (!isEntry(order)) return PASS;
    const limit = dec(ctx.limits.maxOrderNotional);
    const notional = order.quantity.mul(ctx.price);
    if (notional.lte(limit)) return PASS;
    const allowed = roundQty(limit.div(ctx.price));
    if (allowed.lte(0)) {
      return { kind: 'reject', reason: `one unit at ${usd(ctx.price)} exceeds the order limit ${usd(limit)}` };
    }
    return {
      kind: 'amend',
      order: { side: 'buy', quantity: allowed },
      reason: `buy of ${qty(order.quantity)} (${usd(notional)}) resized to ${qty(allowed)}: order limit ${usd(limit)}`,
    };
  },
};
