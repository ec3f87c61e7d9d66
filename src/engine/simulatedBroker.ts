import { bookFill, equityOf, type Holdings } from '../domain/fills';
import { dec } from '../domain/money';
import type { DecimalString, Fill, PortfolioSummary, RiskVerdict } from '../domain/types';
import type { EngineConfig, Observation } from './types';

// The paper broker's fill model (domain/fills) over holdings kept in memory: what a backtest and a what-if
// book instead of the Postgres ledger. Same arithmetic, so the same order fills at the same price and fee.

export function startingHoldings(cash: DecimalString): Holdings {
  return { cash, quantity: '0', averageCost: '0', realizedPnl: '0.00' };
}

export function portfolioOf(h: Holdings, symbol: string, price: DecimalString): PortfolioSummary {
  return {
    cash: h.cash,
    equity: equityOf(h.cash, h.quantity, price),
    realizedPnl: h.realizedPnl,
    position: { symbol, quantity: h.quantity, averageCost: h.averageCost },
    markPrice: price,
  };
}

/** Books the approved order at the observed price, as the paper broker would; null when nothing is to book. */
export function simulateFill(
  holdings: Holdings,
  verdict: RiskVerdict,
  observation: Observation,
  config: EngineConfig,
): { fill: Fill; holdings: Holdings; notional: DecimalString } | null {
  if (!verdict.approved || !verdict.order) return null;
  const { cycle, price, now } = observation;
  const outcome = bookFill(
    holdings,
    { side: verdict.order.side, quantity: verdict.order.quantity, referencePrice: price },
    config.costs,
  );
  // The gatekeeper ran the same arithmetic (broker-check), so a refusal here is a bug, not a market event.
  if (!outcome.ok) throw new Error(`cycle ${cycle}: approved order refused by the broker: ${outcome.reason}`);
  const fill: Fill = {
    clientOrderId: `${config.botId}:${cycle}`,
    botId: config.botId,
    cycle,
    symbol: config.symbol,
    side: verdict.order.side,
    quantity: dec(verdict.order.quantity).toFixed(),
    price: outcome.price,
    fee: outcome.fee,
    realizedPnl: outcome.realizedPnl,
    cashAfter: outcome.after.cash,
    filledAt: now,
  };
  return { fill, holdings: outcome.after, notional: outcome.notional };
}
