import { equityOf } from '../../../src/domain/fills';
import type { Decision, PortfolioSummary } from '../../../src/domain/types';
import { initialRiskState, type RiskInput, type RiskState } from '../../../src/trading/risk';
import type { StrategyContext } from '../../../src/trading/strategies';

// Builders for the trading tests: a portfolio, a strategy context and a risk input with sane defaults.

export const NOW = '2024-03-01T12:00:00.000Z';

export function portfolio(cash: string, quantity = '0', averageCost = '0', price = '50000'): PortfolioSummary {
  return {
    cash,
    equity: equityOf(cash, quantity, price),
    realizedPnl: '0.00',
    position: { symbol: 'BTC/USD', quantity, averageCost },
    markPrice: price,
  };
}

export function context(overrides: Partial<StrategyContext> = {}): StrategyContext {
  const price = overrides.price ?? '50000';
  return {
    symbol: 'BTC/USD',
    cycle: 1,
    now: NOW,
    price,
    closes: [],
    sentiment: null,
    portfolio: portfolio('10000.00', '0', '0', price),
    params: {},
    ...overrides,
  };
}

export function buy(quantity: string): Decision {
  return { action: 'buy', quantity, confidence: 1, rationale: 'test', strategy: 'test' };
}

export function sell(quantity: string): Decision {
  return { action: 'sell', quantity, confidence: 1, rationale: 'test', strategy: 'test' };
}

export const HOLD: Decision = { action: 'hold', quantity: '0', confidence: 1, rationale: 'test', strategy: 'test' };

export interface Book {
  cash?: string;
  quantity?: string;
  averageCost?: string;
}

/** A live-mode risk input on fresh live data, no fees, flat $10,000, peak = equity, nothing in the risk state. */
export function riskInput(
  decision: Decision,
  price: string,
  book: Book = {},
  overrides: Partial<Omit<RiskInput, 'state'>> & { state?: Partial<RiskState> } = {},
): RiskInput {
  const p = portfolio(book.cash ?? '10000.00', book.quantity ?? '0', book.averageCost ?? '0', price);
  const { state, ...rest } = overrides;
  return {
    decision,
    portfolio: p,
    price,
    costs: { feeBps: 0, slippageBps: 0 },
    now: NOW,
    market: { source: 'live', ageSeconds: 1 },
    mode: 'live',
    risk: {},
    ...rest,
    state: { ...initialRiskState(p.equity, NOW), ...state },
  };
}
