import type { Holdings } from '../domain/fills';
import type { BrokerCosts, Candle, DecimalString, Fill, IsoTime } from '../domain/types';
import { equityAt, replayObservations, type EngineConfig, type Observation } from '../engine';
import type { LearnedFigures } from '../trading/learning/accumulator';
import type { JournalEntry } from '../trading/learning/roundTrips';
import { initialRiskState, resolveRiskLimits, type RiskState } from '../trading/risk';
import { closesOf } from '../trading/indicators';
import { findStrategy } from '../trading/strategies';
import { readSettings, defaultsOf } from '../trading/settings';

// The backtester replays candles through the bot's state machine (src/engine): the same strategies, the same
// gatekeeper and risk memory, the same learning and the same fill arithmetic as a live cycle. Each candle is one
// cycle: the strategy sees candles up to and including it, and orders fill at its close.

export interface BacktestConfig {
  strategy: string;
  params: Record<string, number>;
  /** Overrides of the risk limits, as in a bot's config. */
  risk: Record<string, number>;
  costs: BrokerCosts;
  startingCash: DecimalString;
  symbol: string;
  /** First traded day, YYYY-MM-DD; earlier candles still feed the indicators. */
  from?: string;
  /** Last traded day, YYYY-MM-DD, inclusive. */
  to?: string;
  /**
   * How many closes, the current one included, the strategy sees each cycle. Default: the strategy's own
   * history (Strategy.history), exactly what a live cycle passes it.
   */
  historyWindow?: number;
  /** Apply the learning loop's adaptive size multiplier, as the live bot does. */
  adaptiveSizing: boolean;
}

export const BACKTEST_DEFAULTS = {
  startingCash: '10000.00',
  costs: { feeBps: 10, slippageBps: 5 },
  symbol: 'BTC/USD',
  adaptiveSizing: true,
} as const;

export interface BacktestTrade extends Fill {
  notional: DecimalString;
  /** The risk rule that decided the order: `all-passed`, or e.g. `stop-loss`, `max-position`. */
  rule: string;
  rationale: string;
}

export interface BacktestRun {
  config: BacktestConfig;
  /** The strategy's params with defaults filled in. */
  params: Record<string, number>;
  candles: { total: number; warmup: number; traded: number };
  /** Closes the strategy saw each cycle. */
  historyWindow: number;
  /** The length of one candle, from the smallest gap between candles. */
  candleMs: number;
  journal: JournalEntry[];
  trades: BacktestTrade[];
  verdicts: Record<string, number>;
  /** Cycles that ended with a position open. */
  cyclesHolding: number;
  final: Holdings & { markPrice: DecimalString; equity: DecimalString };
  riskState: RiskState;
  /** The statistics and adaptive sizing the state machine learned, the open position valued at the last close. */
  learned: LearnedFigures;
  haltedAt: IsoTime | null;
  /** Each traded candle's start time and close, in journal order. */
  traded: { time: IsoTime; close: DecimalString }[];
}

export class BacktestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestInputError';
  }
}

function candleLengthMs(candles: readonly Candle[]): number {
  let smallest = Infinity;
  for (let i = 1; i < candles.length; i++) {
    smallest = Math.min(smallest, Date.parse(candles[i].time) - Date.parse(candles[i - 1].time));
  }
  return Number.isFinite(smallest) && smallest > 0 ? smallest : 86_400_000;
}

function tradedRange(candles: readonly Candle[], from?: string, to?: string): [number, number] {
  const day = (c: Candle) => c.time.slice(0, 10);
  const first = from === undefined ? 0 : candles.findIndex((c) => day(c) >= from);
  let last = candles.length - 1;
  if (to !== undefined) while (last >= 0 && day(candles[last]) > to) last--;
  if (first < 0 || last < first) {
    const span = `${day(candles[0])} .. ${day(candles[candles.length - 1])}`;
    throw new BacktestInputError(
      `no candles between ${from ?? 'the start'} and ${to ?? 'the end'} (data covers ${span})`,
    );
  }
  return [first, last];
}

/** Runs one strategy over the candles (oldest first). Pure: the same inputs give the same run. */
export function runBacktest(candles: readonly Candle[], config: BacktestConfig): BacktestRun {
  if (candles.length === 0) throw new BacktestInputError('no candles to backtest');
  const strategy = findStrategy(config.strategy);
  strategy.validateParams(config.params);
  resolveRiskLimits(config.risk);
  const params = readSettings(strategy.name, strategy.params, { ...defaultsOf(strategy.params), ...config.params });
  const historyWindow = config.historyWindow ?? strategy.history(params);
  const [first, last] = tradedRange(candles, config.from, config.to);
  const candleMs = candleLengthMs(candles);
  const closeTime = (c: Candle) => new Date(Date.parse(c.time) + candleMs).toISOString();

  const engine: EngineConfig = {
    botId: 'backtest',
    symbol: config.symbol,
    strategy: { name: strategy.name, params: config.params },
    risk: config.risk,
    costs: config.costs,
    // Recorded history: trusted, and as fresh as the candle it belongs to.
    mode: 'live',
    adaptiveSizing: config.adaptiveSizing,
  };
  const observations: Observation[] = [];
  for (let i = first; i <= last; i++) {
    observations.push({
      cycle: i - first + 1,
      now: closeTime(candles[i]),
      price: candles[i].close,
      closes: closesOf(candles.slice(Math.max(0, i - historyWindow + 1), i + 1)),
      // Historical candles carry no news: the blend sees neutral sentiment, as a live bot does without news.
      sentiment: null,
      source: 'cache',
      ageSeconds: 0,
    });
  }
  const replay = replayObservations(observations, engine, config.startingCash);
  const trades: BacktestTrade[] = replay.cycles.flatMap((c) =>
    c.fill ? [{ ...c.fill, notional: c.notional!, rule: c.verdict.rule, rationale: c.decision.rationale }] : [],
  );
  const holdings = replay.holdings;

  const markPrice = candles[last].close;
  return {
    config,
    params,
    candles: { total: candles.length, warmup: first, traded: last - first + 1 },
    historyWindow,
    candleMs,
    journal: replay.journal,
    trades,
    verdicts: replay.verdicts,
    cyclesHolding: replay.cyclesHolding,
    final: { ...holdings, markPrice, equity: equityAt(holdings, markPrice) },
    riskState: replay.state.risk ?? initialRiskState(config.startingCash, closeTime(candles[first])),
    learned: replay.learned,
    haltedAt: replay.haltedAt,
    traded: candles.slice(first, last + 1).map((c) => ({ time: c.time, close: c.close })),
  };
}
