import type Decimal from 'decimal.js';
import { bookFill, slippedPrice } from '../../../domain/fills';
import { dec, roundQty } from '../../../domain/money';
import { qty, usd } from '../format';
import { isEntry, PASS, type RiskContext, type RiskRule } from '../types';

/** What a buy would cost with slippage and fees, priced by the broker's own arithmetic. */
function costOf(quantity: Decimal, ctx: RiskContext): Decimal | null {
  const outcome = bookFill(
    { cash: '1e30', quantity: '0', averageCost: '0', realizedPnl: '0' },
    { side: 'buy', quantity: quantity.toFixed(), referencePrice: ctx.price.toFixed() },
    ctx.costs,
  );
  return outcome.ok ? dec(outcome.notional).plus(outcome.fee) : null;
}

/** The largest quantity whose cost fits the budget: the closed form, then down a satoshi at a time for rounding. */
function affordable(budget: Decimal, ctx: RiskContext): Decimal {
  const price = dec(slippedPrice('buy', ctx.price.toFixed(), ctx.costs.slippageBps));
  const perUnit = price.mul(dec(1).plus(dec(ctx.costs.feeBps).div(10_000)));
  let quantity = roundQty(budget.div(perUnit));
  const satoshi = dec('0.00000001');
  for (let i = 0; i < 5 && quantity.gt(0); i++) {
    const cost = costOf(quantity, ctx);
    if (cost !== null && cost.lte(budget)) return quantity;
    quantity = quantity.minus(satoshi);
  }
  return dec(0);
}

/** No overdraft: a buy leaves at least `cashFloor` in cash after slippage and fees; larger buys are resized down. */
export const cashFloorRule: RiskRule = {
  name: 'cash-floor',
  check(order, ctx) {
    if (!isEntry(order)) return PASS;
    const floor = dec(ctx.limits.cashFloor);
    const budget = ctx.cash.minus(floor);
    const cost = costOf(order.quantity, ctx);
    if (cost !== null && cost.lte(budget)) return PASS;
    const allowed = budget.gt(0) ? affordable(budget, ctx) : dec(0);
    if (allowed.lte(0)) {
      return { kind: 'reject', reason: `cash ${usd(ctx.cash)} leaves nothing to spend above the floor ${usd(floor)}` };
    }
    return {
      kind: 'amend',
      order: { side: 'buy', quantity: allowed },
      reason:
        `buy of ${qty(order.quantity)} resized to ${qty(allowed)}: cash ${usd(ctx.cash)} must stay at or above ` +
        `${usd(floor)} after fees`,
    };
  },
};
