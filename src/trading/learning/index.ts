export { adaptiveSizing, DEFAULT_ADAPTIVE_SIZING, MAX_MULTIPLIER, MIN_MULTIPLIER } from './adaptiveSizing';
export type { AdaptiveSizingOptions, SizeAdjustment } from './adaptiveSizing';
export { closedRoundTrips, roundTripsOf } from './roundTrips';
export type { JournalEntry, RoundTrip } from './roundTrips';
export { cycleReturns, maxDrawdown, performanceStats, sharpeLike, statsByStrategy, unrealizedPnl } from './stats';
export type { Drawdown, OpenPosition, PerformanceStats } from './stats';
export { accumulatorOf, advanceStats, emptyAccumulator, figuresOf } from './accumulator';
export type { LearnedFigures, StatsAccumulator } from './accumulator';
