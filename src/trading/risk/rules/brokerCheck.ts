import { bookFill } from '../../../domain/fills';
import { PASS, type RiskRule } from '../types';

/** The last word: an order passes only if the paper broker could book it now (the same arithmetic it will use). */
export const brokerCheckRule: RiskRule = {
  name: 'broker-check',
  check(order, ctx) {
    if (order === null) return PASS;
    const outcome = bookFill(
      {
        cash: ctx.portfolio.cash,
        quantity: ctx.portfolio.position.quantity,
        averageCost: ctx.portfolio.position.averageCost,
        realizedPnl: ctx.portfolio.realizedPnl,
      },
      { side: order.side, quantity: order.quantity.toFixed(), referencePrice: ctx.price.toFixed() },
      ctx.costs,
    );
    return outcome.ok ? PASS : { kind: 'reject', reason: outcome.reason };
  },
};
