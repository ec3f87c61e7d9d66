import Decimal from 'decimal.js';
import { equityOf } from '../../domain/fills';
import { dec, parseDecimal, roundQty } from '../../domain/money';
import type {
  BrokerCosts,
  DataSource,
  Decision,
  DecimalString,
  IsoTime,
  MarketDataMode,
  PortfolioSummary,
  RiskVerdict,
} from '../../domain/types';
import { qty } from './format';
import { resolveRiskLimits } from './limits';
import { brokerCheckRule } from './rules/brokerCheck';
import { cashFloorRule } from './rules/cashFloor';
import { dailyLossLimitRule } from './rules/dailyLossLimit';
import { dataQualityRule } from './rules/dataQuality';
import { maxDrawdownRule } from './rules/maxDrawdown';
import { maxOrderNotionalRule } from './rules/maxOrderNotional';
import { maxPositionRule } from './rules/maxPosition';
import { noShortRule } from './rules/noShort';
import { stopLossRule } from './rules/stopLoss';
import { stopLossCooldownRule } from './rules/stopLossCooldown';
import { takeProfitRule } from './rules/takeProfit';
import { realizedPnlOn, type RiskState } from './state';
import type { ProposedOrder, RiskContext, RiskRule } from './types';

export { DEFAULT_RISK_LIMITS, InvalidRiskLimitsError, RISK_LIMIT_SPECS, resolveRiskLimits } from './limits';
export type { RiskLimits } from './limits';
export { initialRiskState, nextRiskState, realizedPnlOn, resumeRiskState, utcDay } from './state';
export type { CycleOutcome, RiskState } from './state';
export type { ProposedOrder, RiskContext, RiskRule, RuleOutcome } from './types';

export interface RiskInput {
  decision: Decision;
  /** The ledger's portfolio; equity is revalued here at `price`. */
  portfolio: PortfolioSummary;
  /** The cycle's perceived price. */
  price: DecimalString;
  costs: BrokerCosts;
  now: IsoTime;
  /** Where the price came from and how old it is: a MarketSnapshot fits as it is. */
  market: { source: DataSource; ageSeconds: number };
  mode: MarketDataMode;
  /** The bot's overrides of the default limits (BotConfig.risk). */
  risk: Record<string, number>;
  /** What the gatekeeper remembers between cycles; advance it with nextRiskState after each cycle. */
  state: RiskState;
}

/**
 * In order: exits first (they may turn any decision into a sell of everything), then the drawdown halt, then the
 * entry-only gates, then sizing limits that resize rather than refuse, then the broker's own feasibility check.
 */
export const RISK_RULES: readonly RiskRule[] = [
  stopLossRule,
  takeProfitRule,
  maxDrawdownRule,
  dailyLossLimitRule,
  stopLossCooldownRule,
  dataQualityRule,
  noShortRule,
  maxOrderNotionalRule,
  maxPositionRule,
  cashFloorRule,
  brokerCheckRule,
];

function parseTime(value: IsoTime, what: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new TypeError(`${what} must be an ISO time, got ${JSON.stringify(value)}`);
  return time;
}

/** The decision as an order, or the reason it is not a valid one (then it goes through the rules as a hold). */
function orderOf(decision: Decision): { order: ProposedOrder | null; problem: string | null } {
  if (decision.action === 'hold') return { order: null, problem: null };
  try {
    // Booked quantities have QTY_DP decimals; rounding down never orders more than was decided.
    const quantity = roundQty(parseDecimal(decision.quantity, `${decision.action} quantity`));
    if (quantity.gt(0)) return { order: { side: decision.action, quantity }, problem: null };
    return { order: null, problem: `${decision.action} quantity must be positive, got ${decision.quantity}` };
  } catch (err) {
    return { order: null, problem: (err as Error).message };
  }
}

function contextOf(input: RiskInput): RiskContext {
  const { portfolio, state } = input;
  const price = parseDecimal(input.price, 'price');
  const now = parseTime(input.now, 'now');
  const equity = dec(equityOf(portfolio.cash, portfolio.position.quantity, input.price));
  return {
    portfolio,
    held: dec(portfolio.position.quantity),
    averageCost: dec(portfolio.position.averageCost),
    cash: dec(portfolio.cash),
    price,
    equity,
    peakEquity: Decimal.max(dec(state.peakEquity), equity),
    halted: state.halted,
    realizedPnlToday: realizedPnlOn(state, now),
    lastStopLossAt: state.lastStopLossAt === null ? null : parseTime(state.lastStopLossAt, 'lastStopLossAt'),
    now,
    source: input.market.source,
    dataAgeSeconds: input.market.ageSeconds,
    mode: input.mode,
    costs: input.costs,
    limits: resolveRiskLimits(input.risk),
  };
}

/**
 * The gatekeeper. A refused order is a normal verdict, not an exception; only a bad config (unknown or
 * out-of-range risk override: InvalidRiskLimitsError) or a malformed input throws. The verdict names the rule that
 * decided: the first that refused, else the first that changed the order, else `all-passed` (or `hold`).
 */
/** One rule's part in a verdict, for an explanation: every rule, in the order the gatekeeper runs them. */
export interface RuleVerdict {
  rule: string;
  outcome: 'passed' | 'resized' | 'refused' | 'not reached';
  reason?: string;
}

/**
 * Every rule's verdict, read back from a verdict: the rules run in RISK_RULES order until one refuses, so each
 * rule before the deciding one passed (or resized the order: `amendments`), the one that refused refused, and
 * the rest were not reached. Derived, not stored, so the cycle's history carries no list of passes.
 */
export function ruleVerdicts(verdict: Pick<RiskVerdict, 'approved' | 'rule' | 'reason' | 'amendments'>): RuleVerdict[] {
  const refusedBy = verdict.approved ? null : RISK_RULES.findIndex((r) => r.name === verdict.rule);
  // A verdict journaled before `amendments` existed names its one resizing rule as the deciding rule.
  const amendments =
    verdict.amendments ??
    (verdict.approved && verdict.rule !== 'all-passed' ? [{ rule: verdict.rule, reason: verdict.reason }] : []);
  return RISK_RULES.map((r, i): RuleVerdict => {
    if (refusedBy !== null && refusedBy >= 0 && i > refusedBy) return { rule: r.name, outcome: 'not reached' };
    if (refusedBy === i) return { rule: r.name, outcome: 'refused', reason: verdict.reason };
    const amended = amendments.find((a) => a.rule === r.name);
    return amended ? { rule: r.name, outcome: 'resized', reason: amended.reason } : { rule: r.name, outcome: 'passed' };
  });
}

export function evaluateRisk(input: RiskInput): RiskVerdict {
  const ctx = contextOf(input);
  const parsed = orderOf(input.decision);
  let order = parsed.order;
  let halt = false;
  const changes: { rule: string; reason: string }[] = [];
  for (const rule of RISK_RULES) {
    const outcome = rule.check(order, ctx);
    if (outcome.kind !== 'amend' && outcome.halt) halt = true;
    if (outcome.kind === 'reject') {
      return {
        approved: false,
        rule: rule.name,
        reason: outcome.reason,
        order: null,
        ...(halt ? { halt } : {}),
        ...(changes.length ? { amendments: changes } : {}),
      };
    }
    if (outcome.kind === 'amend') {
      order = outcome.order;
      changes.push({ rule: rule.name, reason: outcome.reason });
    }
  }
  const haltFlag = { ...(halt ? { halt } : {}), ...(changes.length ? { amendments: changes } : {}) };
  if (order === null) {
    return parsed.problem
      ? { approved: false, rule: 'invalid-order', reason: parsed.problem, order: null, ...haltFlag }
      : { approved: false, rule: 'hold', reason: 'strategy chose to hold', order: null, ...haltFlag };
  }
  const decided = changes[0] ?? { rule: 'all-passed', reason: 'every rule passed' };
  const reason = changes.length > 1 ? changes.map((c) => `${c.rule}: ${c.reason}`).join('; ') : decided.reason;
  return {
    approved: true,
    rule: decided.rule,
    reason,
    order: { side: order.side, quantity: qty(order.quantity) },
    ...haltFlag,
  };
}
