import Decimal from 'decimal.js';
import { dec, formatMoney } from '../../domain/money';
import type { DecimalString, Fill, IsoTime, RiskVerdict } from '../../domain/types';

// The little the gatekeeper must remember between cycles, as plain JSON the workflow can carry through
// continue-as-new: the equity peak and halt flag (max drawdown), the day's realized PnL (daily loss limit), and
// the last stop-loss exit (cooldown). The functions here are the only way it changes, so the live bot and the
// backtester keep it identically.

export interface RiskState {
  /** Highest equity seen since the bot started or was last resumed. */
  peakEquity: DecimalString;
  /** Set by a max-drawdown verdict; only an operator's resume clears it. */
  halted: boolean;
  /** The UTC day, YYYY-MM-DD, that `realizedPnlToday` belongs to. */
  day: string;
  realizedPnlToday: DecimalString;
  lastStopLossAt: IsoTime | null;
}

export function utcDay(time: IsoTime | Date): string {
  return (typeof time === 'string' ? new Date(time) : time).toISOString().slice(0, 10);
}

export function initialRiskState(equity: DecimalString, now: IsoTime): RiskState {
  return {
    peakEquity: formatMoney(equity),
    halted: false,
    day: utcDay(now),
    realizedPnlToday: '0.00',
    lastStopLossAt: null,
  };
}

/** The realized PnL of `now`'s UTC day: a state from an earlier day counts as zero. */
export function realizedPnlOn(state: RiskState, now: IsoTime | Date): Decimal {
  return state.day === utcDay(now) ? dec(state.realizedPnlToday) : dec(0);
}

export interface CycleOutcome {
  now: IsoTime;
  /** Equity after the cycle's fill (if any), at the cycle's price. */
  equity: DecimalString;
  verdict: RiskVerdict;
  /** The fill the verdict's order produced, or null when nothing was booked. */
  fill: Fill | null;
}

/** The state after a cycle: roll the day, add the fill's realized PnL, note a stop-loss, raise the peak, halt. */
export function nextRiskState(state: RiskState, outcome: CycleOutcome): RiskState {
  const today = utcDay(outcome.now);
  const realized = realizedPnlOn(state, outcome.now).plus(outcome.fill ? outcome.fill.realizedPnl : 0);
  const stoppedOut = outcome.fill !== null && outcome.verdict.rule === 'stop-loss';
  return {
    peakEquity: formatMoney(Decimal.max(dec(state.peakEquity), dec(outcome.equity))),
    halted: state.halted || outcome.verdict.halt === true,
    day: today,
    realizedPnlToday: formatMoney(realized),
    lastStopLossAt: stoppedOut ? outcome.now : state.lastStopLossAt,
  };
}

/** An operator's resume: clear the halt and measure drawdown from here, or the old peak would halt it at once. */
export function resumeRiskState(state: RiskState, equity: DecimalString): RiskState {
  return { ...state, halted: false, peakEquity: formatMoney(equity) };
}
