import { dec, formatMoney, formatQty, roundCash, roundQty } from './money';
import type { BrokerCosts, DecimalString, PortfolioSummary, Side } from './types';

// The paper broker's arithmetic, pure, so the Postgres ledger and the backtester book fills identically.

export interface Holdings {
  cash: DecimalString;
  quantity: DecimalString;
  averageCost: DecimalString;
  realizedPnl: DecimalString;
}

export interface FillQuote {
  side: Side;
  quantity: DecimalString;
  referencePrice: DecimalString;
}

export type FillOutcome =
  | {
      ok: true;
      /** The quantity booked: the order's, rounded down to QTY_DP. */
      quantity: DecimalString;
      price: DecimalString;
      fee: DecimalString;
      notional: DecimalString;
      /** PnL this fill realized: for a sell, (price - average cost) * quantity - fee; for a buy, -fee. */
      realizedPnl: DecimalString;
      after: Holdings;
    }
  | { ok: false; reason: string };

export function slippedPrice(side: Side, referencePrice: DecimalString, slippageBps: number): DecimalString {
  const ref = dec(referencePrice);
  const factor = dec(slippageBps).div(10_000);
  const price = side === 'buy' ? ref.mul(dec(1).plus(factor)) : ref.mul(dec(1).minus(factor));
  return price.toDecimalPlaces(8).toFixed();
}

/**
 * Books a market order against holdings. Fees are charged in cash on top of a buy and out of a sell's
 * proceeds; the fee of a buy is realized at once (it is a cost that never comes back), the average cost
 * holds the price only. No overdraft and no short selling: such orders are rejected, not clipped.
 */
export function bookFill(holdings: Holdings, quote: FillQuote, costs: BrokerCosts): FillOutcome {
  const quantity = roundQty(dec(quote.quantity));
  if (!quantity.isFinite() || quantity.lte(0)) {
    return { ok: false, reason: `quantity must be positive, got ${quote.quantity}` };
  }
  const ref = dec(quote.referencePrice);
  if (!ref.isFinite() || ref.lte(0)) {
    return { ok: false, reason: `price must be positive, got ${quote.referencePrice}` };
  }
  const price = dec(slippedPrice(quote.side, quote.referencePrice, costs.slippageBps));
  const notional = roundCash(price.mul(quantity));
  const fee = roundCash(notional.mul(costs.feeBps).div(10_000));
  const cash = dec(holdings.cash);
  const held = dec(holdings.quantity);
  const avgCost = dec(holdings.averageCost);
  const realizedBefore = dec(holdings.realizedPnl);

  if (quote.side === 'buy') {
    const cost = notional.plus(fee);
    if (cost.gt(cash)) {
      return {
        ok: false,
        reason: `insufficient cash: buying ${formatQty(quantity)} costs ${formatMoney(cost)}, cash is ${formatMoney(cash)}`,
      };
    }
    const newQty = held.plus(quantity);
    const newAvg = held.mul(avgCost).plus(notional).div(newQty).toDecimalPlaces(8);
    const realized = fee.neg();
    return {
      ok: true,
      quantity: formatQty(quantity),
      price: price.toFixed(),
      fee: formatMoney(fee),
      notional: formatMoney(notional),
      realizedPnl: formatMoney(realized),
      after: {
        cash: formatMoney(cash.minus(cost)),
        quantity: formatQty(newQty),
        averageCost: newAvg.toFixed(),
        realizedPnl: formatMoney(realizedBefore.plus(realized)),
      },
    };
  }

  if (quantity.gt(held)) {
    return { ok: false, reason: `cannot sell ${formatQty(quantity)}: only ${formatQty(held)} held` };
  }
  const realized = roundCash(price.minus(avgCost).mul(quantity)).minus(fee);
  const newQty = held.minus(quantity);
  return {
    ok: true,
    quantity: formatQty(quantity),
    price: price.toFixed(),
    fee: formatMoney(fee),
    notional: formatMoney(notional),
    realizedPnl: formatMoney(realized),
    after: {
      cash: formatMoney(cash.plus(notional).minus(fee)),
      quantity: formatQty(newQty),
      averageCost: newQty.isZero() ? '0' : avgCost.toFixed(),
      realizedPnl: formatMoney(realizedBefore.plus(realized)),
    },
  };
}

export function equityOf(cash: DecimalString, quantity: DecimalString, markPrice: DecimalString | null): DecimalString {
  const positionValue = markPrice === null ? dec(0) : dec(quantity).mul(markPrice);
  return formatMoney(roundCash(dec(cash).plus(positionValue)));
}

/** The same portfolio valued at another price: cash and position are the ledger's, only the mark moves. */
export function markPortfolio(p: PortfolioSummary, markPrice: DecimalString): PortfolioSummary {
  return { ...p, equity: equityOf(p.cash, p.position.quantity, markPrice), markPrice };
}
