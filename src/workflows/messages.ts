import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BotConfig } from '../domain/botConfig';
import type { BreakerState } from '../domain/breaker';
import type { StatsAccumulator } from '../trading/learning/accumulator';
import type { SizeAdjustment } from '../trading/learning/adaptiveSizing';
import type { PerformanceStats } from '../trading/learning/stats';
import type { RiskState } from '../trading/risk/state';
import type {
  DataSource,
  Decision,
  DecimalString,
  IsoTime,
  Phase,
  PortfolioSummary,
  RiskVerdict,
} from '../domain/types';

// Every signal and query of the bot, defined once. The API, the CLI docs and the Temporal UI use these names:
//   temporal workflow signal --workflow-id bot-btc --name stop
//   temporal workflow query  --workflow-id bot-btc --name status

/** Resume cycling; also clears a max-drawdown halt (the operator's resume). */
export const startSignal = defineSignal('start');
export const stopSignal = defineSignal('stop');
export const statusQuery = defineQuery<BotStatus>('status');
/** Asked of a cycle workflow (bot-<id>-cycle-<n>): where it is now. */
export const phaseQuery = defineQuery<Phase>('phase');

export interface ExecutionSummary {
  status: 'filled' | 'rejected';
  clientOrderId: string;
  side: 'buy' | 'sell';
  quantity: DecimalString;
  price?: DecimalString;
  fee?: DecimalString;
  realizedPnl?: DecimalString;
  reason?: string;
}

export interface CycleSummary {
  cycle: number;
  workflowId: string;
  dataSource: DataSource;
  dataAgeSeconds: number;
  price: DecimalString;
  decision: Decision;
  verdict: Pick<RiskVerdict, 'approved' | 'rule' | 'reason' | 'order'>;
  execution: ExecutionSummary | null;
  portfolio: PortfolioSummary;
  perception: { liveAttempted: boolean; liveOk: boolean; error: string | null; note: string | null };
  /** Null in the bot's lastCycle: the bot keeps the newest in its `learned`. */
  learning: Learned | null;
  /** Null in the bot's lastCycle: the bot keeps it in its state. */
  statsAccumulator: StatsAccumulator | null;
  riskState: RiskState;
  startedAt: IsoTime;
  completedAt: IsoTime;
}

/** What the learning phase concluded after a cycle: statistics, and the entry-size multiplier with its reason. */
export interface Learned {
  stats: PerformanceStats;
  statsByStrategy: Record<string, PerformanceStats>;
  sizing: SizeAdjustment;
}

export interface CycleFailure {
  cycle: number;
  workflowId: string;
  message: string;
  at: IsoTime;
}

/** Everything the bot carries across continue-as-new: plain JSON only (no Map, Date or class instance). */
export interface BotState {
  config: BotConfig;
  running: boolean;
  cyclesCompleted: number;
  cyclesFailed: number;
  /** Number of the last cycle started; its id is bot-<id>-cycle-<n>. */
  lastCycleStarted: number;
  portfolio: PortfolioSummary | null;
  lastCycle: CycleSummary | null;
  lastFailure: CycleFailure | null;
  /** How many times this bot has continued-as-new. */
  runs: number;
  createdAt: IsoTime;
  breaker: BreakerState;
  riskState: RiskState | null;
  learned: Learned | null;
  /** When the next cycle is due (carried across continue-as-new, so a new run does not cycle early). */
  nextCycleAt: IsoTime | null;
  /** A `start` arrived during a cycle while halted: clear the halt once that cycle's state is in. */
  resumeRequested: boolean;
  /** Running statistics, advanced by each cycle's learning phase (plain JSON). */
  statsAccumulator: StatsAccumulator | null;
}

export interface BotWorkflowInput {
  config: BotConfig;
  /** Present when continuing as new. */
  state?: BotState;
}

export interface BotStatus {
  botId: string;
  symbol: string;
  running: boolean;
  /** IDLE between cycles; IN_CYCLE while a cycle workflow runs (ask it for its own phase). */
  phase: 'IDLE' | 'IN_CYCLE';
  currentCycle: { cycle: number; workflowId: string } | null;
  nextCycleAt: IsoTime | null;
  cyclesCompleted: number;
  cyclesFailed: number;
  runs: number;
  portfolio: PortfolioSummary | null;
  lastCycle: CycleSummary | null;
  lastFailure: CycleFailure | null;
  config: BotConfig;
  createdAt: IsoTime;
  breaker: BreakerState;
  /** True after a max-drawdown halt: no new entries until an operator sends `start`. */
  halted: boolean;
  riskState: RiskState | null;
  /** Per-bot and per-strategy statistics, and what the adaptive sizing rule learned and why. */
  learned: Learned | null;
}

export function botWorkflowId(botId: string): string {
  return `bot-${botId}`;
}

export function cycleWorkflowId(botId: string, cycle: number): string {
  return `bot-${botId}-cycle-${cycle}`;
}
