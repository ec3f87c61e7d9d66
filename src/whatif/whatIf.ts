import type { JournalRow } from '../ledger/journalReads';
import { dec, formatMoney } from '../domain/money';
import type { DecimalString, ExecutionResult, Fill } from '../domain/types';
import { replayObservations, type EngineConfig, type Observation } from '../engine';
import { accumulatorOf, figuresOf } from '../trading/learning/accumulator';
import type { PerformanceStats } from '../trading/learning/stats';
import { defaultsOf, readSettings } from '../trading/settings';
import { findStrategy } from '../trading/strategies';

// What would have happened: a bot's journaled observations replayed through the state machine with another
// strategy or other params, beside what the bot really did. Pure and read-only: the journal rows come in, a
// report goes out, and the same rows and request always give the same report.

export interface WhatIfRequest {
  strategy: string;
  params: Record<string, number>;
  /** First and last journaled cycle to replay, inclusive; the whole journal by default. */
  from?: number;
  to?: number;
}

export interface RecordedRun {
  startingCash: DecimalString;
  /** The bot's config as it is now: its risk limits, costs and mode apply to the what-if too. */
  config: EngineConfig;
  /**
   * Journaled cycles, oldest first: the range asked for, after up to `warmupCycles(request)` cycles before it
   * (their prices warm the indicators up; the one just before the range gives its starting equity).
   */
  cycles: readonly JournalRow[];
}

export interface WhatIfTrade {
  cycle: number;
  side: Fill['side'];
  quantity: DecimalString;
  price: DecimalString;
  fee: DecimalString;
  realizedPnl: DecimalString;
}

export interface WhatIfSide {
  strategy: string;
  params: Record<string, number>;
  trades: WhatIfTrade[];
  stats: PerformanceStats;
  finalEquity: DecimalString;
  /** Final equity minus the equity the range started with. */
  pnl: DecimalString;
  returnPct: number;
}

export interface WhatIfReport {
  botId: string;
  symbol: string;
  range: { from: number; to: number; cycles: number };
  /** Equity before the range's first cycle: the recorded bot's, and the what-if's starting cash (flat). */
  startingEquity: DecimalString;
  recorded: WhatIfSide;
  whatIf: WhatIfSide & { riskVerdicts: Record<string, number> };
  /** What the replay cannot know, said once so that nobody mistakes it for the bot's own view. */
  notes: string[];
}

/** The range asked for has no journaled cycle: bad input, not an empty answer. */
export class WhatIfRangeError extends Error {
  override name = 'WhatIfRangeError';
}

/** How many journaled cycles before `from` the replay reads: the strategy's history, and one for the start. */
export function warmupCycles(request: WhatIfRequest): number {
  return findStrategy(request.strategy).history(request.params);
}

function recordedFill(row: JournalRow): Fill | null {
  const execution = row.execution as ExecutionResult | null;
  return execution?.status === 'filled' ? execution.fill : null;
}

function trade(f: Fill): WhatIfTrade {
  return { cycle: f.cycle, side: f.side, quantity: f.quantity, price: f.price, fee: f.fee, realizedPnl: f.realizedPnl };
}

function side(
  strategy: WhatIfSide['strategy'],
  params: Record<string, number>,
  fills: Fill[],
  stats: PerformanceStats,
  start: DecimalString,
  finalEquity: DecimalString,
): WhatIfSide {
  const pnl = dec(finalEquity).minus(start);
  const returnPct = dec(start).gt(0) ? pnl.div(start).mul(100).toDecimalPlaces(2).toNumber() : 0;
  return { strategy, params, trades: fills.map(trade), stats, finalEquity, pnl: formatMoney(pnl), returnPct };
}

/**
 * The journaled cycles from index `first` on, as observations (the earlier ones only warm the closes up). A
 * cycle's closes are the journaled prices up to its own, the strategy's history of them: the journal keeps each
 * cycle's price, not the closes perception passed the strategy, so a strategy that read daily candles (live
 * data) sees one close per cycle here.
 */
export function journalObservations(cycles: readonly JournalRow[], history: number, first = 0): Observation[] {
  // The journal stores the price as NUMERIC and reads it back without trailing zeros; a quote is written with
  // cents (quicktest's "49800.00"), and strategies quote the price in their rationale: give it its cents back.
  const prices = cycles.map((c) => formatMoney(c.price));
  return cycles.slice(first).map((row, i) => ({
    cycle: row.cycle,
    now: row.recordedAt,
    price: prices[first + i],
    closes: prices.slice(Math.max(0, first + i - history + 1), first + i + 1),
    // Sentiment is not journaled: neutral, as for a live bot without news.
    sentiment: null,
    source: row.dataSource,
    ageSeconds: row.dataAgeSeconds,
  }));
}

export function whatIf(recorded: RecordedRun, request: WhatIfRequest): WhatIfReport {
  const strategy = findStrategy(request.strategy);
  strategy.validateParams(request.params);
  const from = request.from ?? 1;
  const to = request.to ?? Number.MAX_SAFE_INTEGER;
  const first = recorded.cycles.findIndex((c) => c.cycle >= from);
  const range = recorded.cycles.filter((c) => c.cycle >= from && c.cycle <= to);
  if (first < 0 || range.length === 0) {
    throw new WhatIfRangeError(`no journaled cycle from ${from} to ${request.to ?? 'the last'}`);
  }
  const startingEquity = first > 0 ? recorded.cycles[first - 1].equity : formatMoney(recorded.startingCash);
  const config: EngineConfig = { ...recorded.config, strategy: { name: strategy.name, params: request.params } };
  const observations = journalObservations(
    recorded.cycles.slice(0, first + range.length),
    strategy.history(request.params),
    first,
  );
  const replay = replayObservations(observations, config, startingEquity);
  const last = range[range.length - 1];

  // The recorded side is learned by the same statistics, from the journal's own fills and equities.
  const recordedFills = range.flatMap((r) => recordedFill(r) ?? []);
  const learned = accumulatorOf(
    range.map((r) => ({
      cycle: r.cycle,
      time: r.recordedAt,
      strategy: r.decision.strategy,
      equity: r.equity,
      fill: recordedFill(r),
    })),
  );
  const strategies = [...new Set(range.map((r) => r.decision.strategy))].join(', ');
  return {
    botId: recorded.config.botId,
    symbol: recorded.config.symbol,
    range: { from: range[0].cycle, to: last.cycle, cycles: range.length },
    startingEquity,
    recorded: side(
      strategies,
      strategies === recorded.config.strategy.name ? recorded.config.strategy.params : {},
      recordedFills,
      figuresOf(learned, null).stats,
      startingEquity,
      last.equity,
    ),
    whatIf: {
      ...side(
        strategy.name,
        readSettings(strategy.name, strategy.params, { ...defaultsOf(strategy.params), ...request.params }),
        replay.cycles.flatMap((c) => c.fill ?? []),
        replay.learned.stats,
        startingEquity,
        replay.cycles[replay.cycles.length - 1].equity,
      ),
      riskVerdicts: Object.fromEntries(
        Object.entries(replay.verdicts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    },
    notes: [
      'the what-if starts flat, with the equity the bot had before the range as cash',
      "it sees each cycle's journaled price; closes are the journaled prices before it; sentiment is neutral",
      "the bot's current risk limits, costs and market-data mode apply",
    ],
  };
}
