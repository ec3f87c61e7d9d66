import { qty } from '../format';
import { PASS, type RiskRule } from '../types';

/** A long-only bot sells at most what it holds: larger sells are cut to the position, sells of nothing refused. */
export const noShortRule: RiskRule = {
  name: 'no-short',
  check(order, ctx) {
    if (order?.side !== 'sell') return PASS;
    if (ctx.held.lte(0)) return { kind: 'reject', reason: 'nothing held to sell' };
    if (order.quantity.lte(ctx.held)) return PASS;
    return {
      kind: 'amend',
      order: { side: 'sell', quantity: ctx.held },
      reason: `sell of ${qty(order.quantity)} cut to the ${qty(ctx.held)} held`,
    };
  },
};
