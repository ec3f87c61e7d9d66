import type Decimal from 'decimal.js';
import { dec, formatMoney } from '../domain/money';
import type { BrokerCosts, DecimalString, IsoTime } from '../domain/types';
import { cycleReturns, maxDrawdown, sharpeLike } from '../trading/learning/stats';
import { resolveRiskLimits, type RiskLimits } from '../trading/risk';
import type { BacktestRun, BacktestTrade } from './engine';

// The machine-readable result of a run. It holds nothing about the run itself (no wall time, no run date, no
// absolute paths), so the same input always gives the same bytes.

export interface BacktestMetrics {
  /** Closed round trips. */
  trades: number;
  wins: number;
  losses: number;
  /** Percent of closed round trips with net PnL above zero; null without any. */
  winRatePct: number | null;
  returnPct: number;
  /** Largest fall of end-of-candle equity from its running peak, percent. */
  maxDrawdownPct: number;
  /** Mean / sample stdev of per-candle equity returns, not annualised. */
  sharpeLike: number | null;
  /** sharpeLike x sqrt(periodsPerYear). */
  sharpeAnnualised: number | null;
  periodsPerYear: number;
  startingCash: DecimalString;
  finalEquity: DecimalString;
  realizedPnl: DecimalString;
  unrealizedPnl: DecimalString;
  fees: DecimalString;
  /** Percent of candles that ended with a position open. */
  exposurePct: number;
  /** Return of buying at the first traded close and holding to the last, without costs: the benchmark. */
  buyAndHoldReturnPct: number;
}

export interface BacktestResult {
  strategy: string;
  params: Record<string, number>;
  risk: RiskLimits;
  costs: BrokerCosts;
  symbol: string;
  adaptiveSizing: boolean;
  period: { from: string; to: string; candles: number; warmupCandles: number; historyWindow: number };
  metrics: BacktestMetrics;
  /** How many cycles each risk rule decided. */
  riskVerdicts: Record<string, number>;
  haltedAt: IsoTime | null;
  trades: BacktestTrade[];
  /** Each traded candle's day (as in the CSV), its close, and the equity at that close. */
  equityCurve: { date: string; close: DecimalString; equity: DecimalString }[];
}

const YEAR_MS = 365.25 * 86_400_000;

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function percent(ratio: Decimal.Value): number {
  return dec(ratio).mul(100).toDecimalPlaces(2).toNumber();
}

function sorted(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function backtestResult(run: BacktestRun): BacktestResult {
  const { config, journal } = run;
  // The statistics the state machine learned on the way: one learning engine for live, backtest and what-if.
  const { stats } = run.learned;
  const start = dec(config.startingCash);
  // Equity before the first candle is the starting cash, so the first candle's return counts too.
  const equities = [config.startingCash, ...journal.map((e) => e.equity)];
  const perCandle = sharpeLike(cycleReturns(equities));
  const periodsPerYear = round(YEAR_MS / run.candleMs, 2);
  const drawdown = maxDrawdown(equities);
  return {
    strategy: config.strategy,
    params: sorted(run.params),
    risk: resolveRiskLimits(config.risk),
    costs: config.costs,
    symbol: config.symbol,
    adaptiveSizing: config.adaptiveSizing,
    period: {
      from: run.traded[0].time.slice(0, 10),
      to: run.traded[run.traded.length - 1].time.slice(0, 10),
      candles: run.candles.traded,
      warmupCandles: run.candles.warmup,
      historyWindow: run.historyWindow,
    },
    metrics: {
      trades: stats.trades,
      wins: stats.wins,
      losses: stats.losses,
      winRatePct: stats.winRate === null ? null : round(stats.winRate * 100, 2),
      returnPct: percent(dec(run.final.equity).div(start).minus(1)),
      maxDrawdownPct: percent(drawdown.fraction),
      sharpeLike: perCandle === null ? null : round(perCandle, 4),
      sharpeAnnualised: perCandle === null ? null : round(perCandle * Math.sqrt(periodsPerYear), 4),
      periodsPerYear,
      startingCash: formatMoney(start),
      finalEquity: formatMoney(run.final.equity),
      realizedPnl: stats.realizedPnl,
      unrealizedPnl: stats.unrealizedPnl,
      fees: stats.fees,
      exposurePct: round((run.cyclesHolding / journal.length) * 100, 2),
      buyAndHoldReturnPct: percent(
        dec(run.traded[run.traded.length - 1].close)
          .div(run.traded[0].close)
          .minus(1),
      ),
    },
    riskVerdicts: sorted(run.verdicts),
    haltedAt: run.haltedAt,
    trades: run.trades,
    equityCurve: journal.map((e, i) => ({
      date: run.traded[i].time.slice(0, 10),
      close: run.traded[i].close,
      equity: e.equity,
    })),
  };
}
