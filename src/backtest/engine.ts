import { bookFill, equityOf, type Holdings } from '../domain/fills';
import { dec } from '../domain/money';
import type { BrokerCosts, Candle, DecimalString, Fill, IsoTime, PortfolioSummary, RiskVerdict } from '../domain/types';
import { adaptiveSizing } from '../trading/learning/adaptiveSizing';
import { RoundTripBook, type JournalEntry } from '../trading/learning/roundTrips';
import { evaluateRisk, initialRiskState, nextRiskState, resolveRiskLimits, type RiskState } from '../trading/risk';
import { closesOf } from '../trading/indicators';
import { decide, findStrategy } from '../trading/strategies';
import { readSettings, defaultsOf } from '../trading/settings';

// The backtester replays candles through the live bot's own decision path: the same strategies (decide), the same
// gatekeeper (evaluateRisk, with the same RiskState transitions) and the same broker arithmetic (bookFill). Each
// candle is one cycle: the strategy sees candles up to and including it, and orders fill at its close.

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

function portfolioOf(h: Holdings, symbol: string, price: DecimalString): PortfolioSummary {
  return {
    cash: h.cash,
    equity: equityOf(h.cash, h.quantity, price),
    realizedPnl: h.realizedPnl,
    position: { symbol, quantity: h.quantity, averageCost: h.averageCost },
    markPrice: price,
  };
}

function count(verdicts: Record<string, number>, verdict: RiskVerdict): void {
  verdicts[verdict.rule] = (verdicts[verdict.rule] ?? 0) + 1;
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

  let holdings: Holdings = { cash: config.startingCash, quantity: '0', averageCost: '0', realizedPnl: '0.00' };
  let riskState = initialRiskState(config.startingCash, closeTime(candles[first]));
  let haltedAt: IsoTime | null = null;
  const trips = new RoundTripBook();
  const journal: JournalEntry[] = [];
  const trades: BacktestTrade[] = [];
  const verdicts: Record<string, number> = {};
  let cyclesHolding = 0;

  for (let i = first; i <= last; i++) {
    const cycle = i - first + 1;
    const candle = candles[i];
    const price = candle.close;
    const now = closeTime(candle);
    const portfolio = portfolioOf(holdings, config.symbol, price);
    const decision = decide(strategy.name, {
      symbol: config.symbol,
      cycle,
      now,
      price,
      closes: closesOf(candles.slice(Math.max(0, i - historyWindow + 1), i + 1)),
      // Historical candles carry no news: the blend sees neutral sentiment, as a live bot does without news.
      sentiment: null,
      portfolio,
      params: config.params,
      ...(config.adaptiveSizing ? { sizing: adaptiveSizing(trips.closed()) } : {}),
    });
    const verdict = evaluateRisk({
      decision,
      portfolio,
      price,
      costs: config.costs,
      now,
      // Recorded history: trusted, and as fresh as the candle it belongs to.
      market: { source: 'cache', ageSeconds: 0 },
      mode: 'live',
      risk: config.risk,
      state: riskState,
    });
    count(verdicts, verdict);
    let fill: Fill | null = null;
    if (verdict.approved && verdict.order) {
      const outcome = bookFill(
        holdings,
        { side: verdict.order.side, quantity: verdict.order.quantity, referencePrice: price },
        config.costs,
      );
      // The gatekeeper ran the same arithmetic, so a refusal here is a bug, not a market event.
      if (!outcome.ok) throw new Error(`cycle ${cycle}: approved order refused by the broker: ${outcome.reason}`);
      holdings = outcome.after;
      fill = {
        clientOrderId: `backtest-${cycle}`,
        botId: 'backtest',
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
      trades.push({ ...fill, notional: outcome.notional, rule: verdict.rule, rationale: decision.rationale });
    }
    const equity = equityOf(holdings.cash, holdings.quantity, price);
    if (dec(holdings.quantity).gt(0)) cyclesHolding += 1;
    riskState = nextRiskState(riskState, { now, equity, verdict, fill });
    if (riskState.halted && haltedAt === null) haltedAt = now;
    const entry: JournalEntry = { cycle, time: now, strategy: strategy.name, equity, fill };
    journal.push(entry);
    trips.add(entry);
  }

  const markPrice = candles[last].close;
  return {
    config,
    params,
    candles: { total: candles.length, warmup: first, traded: last - first + 1 },
    historyWindow,
    candleMs,
    journal,
    trades,
    verdicts,
    cyclesHolding,
    final: { ...holdings, markPrice, equity: equityOf(holdings.cash, holdings.quantity, markPrice) },
    riskState,
    haltedAt,
    traded: candles.slice(first, last + 1).map((c) => ({ time: c.time, close: c.close })),
  };
}
