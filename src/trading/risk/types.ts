import type Decimal from 'decimal.js';
import type { BrokerCosts, DataSource, MarketDataMode, PortfolioSummary, Side } from '../../domain/types';
import type { RiskLimits } from './limits';

/** The order under review; rules may resize it or replace it with an exit. Null means the strategy holds. */
export interface ProposedOrder {
  side: Side;
  quantity: Decimal;
}

/** Everything a rule may look at, already parsed. Built once per verdict by the gatekeeper. */
export interface RiskContext {
  portfolio: PortfolioSummary;
  held: Decimal;
  averageCost: Decimal;
  cash: Decimal;
  /** The cycle's perceived price. */
  price: Decimal;
  /** cash + held x price. */
  equity: Decimal;
  /** The highest equity seen, never below the current equity. */
  peakEquity: Decimal;
  halted: boolean;
  /** Realized PnL booked so far on the UTC day of `now`. */
  realizedPnlToday: Decimal;
  lastStopLossAt: Date | null;
  now: Date;
  source: DataSource;
  dataAgeSeconds: number;
  mode: MarketDataMode;
  costs: BrokerCosts;
  limits: RiskLimits;
}

export type RuleOutcome =
  /** `halt` asks the caller to halt the bot even though this order may go on (e.g. an exit in a drawdown). */
  | { kind: 'pass'; halt?: boolean }
  | { kind: 'reject'; reason: string; halt?: boolean }
  | { kind: 'amend'; order: ProposedOrder; reason: string };

/** One protection, like a freqtrade protection: pure, small, and given the time instead of reading a clock. */
export interface RiskRule {
  name: string;
  check(order: ProposedOrder | null, ctx: RiskContext): RuleOutcome;
}

export const PASS: RuleOutcome = { kind: 'pass' };

/** Entries are buys; every sell in this long-only bot reduces risk, so entry-only rules let sells through. */
export function isEntry(order: ProposedOrder | null): order is ProposedOrder {
  return order !== null && order.side === 'buy';
}
