import type Decimal from 'decimal.js';
import { dec, roundQty } from '../../domain/money';
import { equityOf } from '../../domain/fills';
import type { StrategyContext } from './types';

export interface EntrySize {
  quantity: Decimal;
  multiplier: number;
  /** Says how the size was reached, for the rationale. */
  note: string;
}

/**
 * Entry size = equity x fraction x adaptive multiplier / price, rounded down to the quantity precision. Equity is
 * valued at the cycle's price. The strategy does not clip to cash or limits: the risk gatekeeper does, and says so.
 */
export function entrySize(ctx: StrategyContext, fraction: number): EntrySize {
  const multiplier = ctx.sizing?.multiplier ?? 1;
  const equity = dec(equityOf(ctx.portfolio.cash, ctx.portfolio.position.quantity, ctx.price));
  const quantity = roundQty(equity.mul(fraction).mul(multiplier).div(ctx.price));
  const base = `${dec(fraction).mul(100).toFixed()}% of equity ${equity.toFixed(2)}`;
  const note = ctx.sizing ? `${base}; ${ctx.sizing.explanation}` : base;
  return { quantity, multiplier, note };
}

export function isFlat(ctx: StrategyContext): boolean {
  return dec(ctx.portfolio.position.quantity).lte(0);
}

export function heldQuantity(ctx: StrategyContext): string {
  return dec(ctx.portfolio.position.quantity).toFixed();
}
