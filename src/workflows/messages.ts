import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BotConfig } from '../domain/botConfig';
import type { BreakerState } from '../domain/breaker';
import type { BotTradingState } from '../engine/types';
import type { Schedule, SkippedSlots } from '../domain/schedule';
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
export const startSignal = defineSignal<[OperatorNote?]>('start');
export const stopSignal = defineSignal<[OperatorNote?]>('stop');
export const statusQuery = defineQuery<BotStatus>('status');
/**
 * Changes the bot's config from its next cycle (a BotConfigChange: any field but id, symbol and startingCash);
 * returns the new status. A synchronous validator rejects a bad change before it enters history.
 */
export const updateConfigUpdate = defineUpdate<BotStatus, [unknown]>('updateConfig');
/**
 * `start` and `stop` as Workflow Updates (the API's): the same effect as the signals of the same names, but the
 * caller gets the new status back, and a call with arguments is refused before it enters history.
 */
export const startUpdate = defineUpdate<BotStatus, [OperatorNote]>('start');
export const stopUpdate = defineUpdate<BotStatus, [OperatorNote]>('stop');
/**
 * Stops the bot for good: returns once a cycle in flight (if any) has completed, and the bot workflow then
 * completes. The ledger stays; a bot created again under the same id resumes it.
 */
export const archiveUpdate = defineUpdate<BotStatus, [OperatorNote]>('archive');
/** What `start`, `stop` and `archive` take, signal or update: why (shown in history). The CLI may send nothing. */
export interface OperatorNote {
  reason?: string;
}
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
  /** The bot's next trading state, as the cycle's activities (the engine) left it. */
  state: BotTradingState;
  /** When the cycle's slot was due (fixed cadence); `startedAt` minus this is the schedule lag. */
  dueAt: IsoTime;
  startedAt: IsoTime;
  completedAt: IsoTime;
}

/** A summary as cycles returned it before the `engine-state-from-activities` patch: the risk memory, no state. */
export type CycleSummaryBeforeEngineState = Omit<CycleSummary, 'state'> & { riskState: RiskState };

/** The bot's last cycle as its status shows it: the state and the statistics are shown once, at the top. */
export type LastCycle = Omit<CycleSummary, 'state' | 'learning'> & { learning: null };

/**
 * What the learning phase concluded after a cycle: the bot's statistics, and the entry-size multiplier with its
 * reason. Per-strategy statistics stay in the ledger (GET /api/bots/:id/stats), out of workflow history.
 */
export interface Learned {
  stats: PerformanceStats;
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
  /** The last slot started or skipped; slot n runs as cycle n, id bot-<id>-cycle-<n>. */
  lastSlot: number;
  portfolio: PortfolioSummary | null;
  lastCycle: LastCycle | null;
  lastFailure: CycleFailure | null;
  /** How many times this bot has continued-as-new. */
  runs: number;
  createdAt: IsoTime;
  breaker: BreakerState;
  /**
   * Risk memory and sizing (src/engine): handed to each cycle, replaced by the state the cycle returns, and
   * changed by nothing else but the engine's functions. Absent in runs from before it: derived from `riskState`.
   */
  trading: BotTradingState;
  /** Runs from before `trading` carried the risk memory here; read once, into `trading`. */
  riskState?: RiskState | null;
  /** What learning last reported (statistics, sizing and why), for the status; the next cycle reads `trading`. */
  learned: Learned | null;
  /** The fixed cadence (carried across continue-as-new, so a new run neither cycles early nor drifts). */
  schedule: Schedule | null;
  /** A `start` arrived during a cycle while halted: clear the halt once that cycle's state is in. */
  resumeRequested: boolean;
  /** Signals applied and rejected since the bot was created. */
  signals: SignalCounts;
  /**
   * A `start` after a stop, or a new interval, has made the cadence stale: the bot loop re-anchors it at its next
   * turn, with its own clock (RESCHEDULE_IN_LOOP_PATCH in bot.ts). Absent in runs from before the patch.
   */
  scheduleStale?: boolean;
  /** Set by `archive`: the bot completes once no cycle is in flight. Absent in runs from before archiving. */
  archived?: boolean;
  /** Config changes applied (updateConfig); absent in runs from before updates existed. */
  configChanges?: number;
}

/** `start` and `stop` applied, whether sent as signals or as updates. */
export interface SignalCounts {
  start: number;
  stop: number;
  /** Signals whose payload was not acceptable (see signalPayload.ts): counted, not applied. */
  rejected: number;
  lastRejected: { signal: string; reason: string; at: IsoTime } | null;
}

export function noSignals(): SignalCounts {
  return { start: 0, stop: 0, rejected: 0, lastRejected: null };
}

export interface BotWorkflowInput {
  config: BotConfig;
  /** Present when continuing as new. */
  state?: BotState;
}

/**
 * The bot workflow's signature, for clients that start it by name (the API, npm start): they type their calls
 * with it instead of importing the workflow module, which imports the activities' types.
 */
export type BotWorkflow = (input: BotWorkflowInput) => Promise<void>;

export interface BotStatus {
  botId: string;
  symbol: string;
  running: boolean;
  /** Archived (DELETE /api/bots/:id): it completes, or has completed, and never cycles again. */
  archived: boolean;
  /** IDLE between cycles; IN_CYCLE while a cycle workflow runs (ask it for its own phase). */
  phase: 'IDLE' | 'IN_CYCLE';
  currentCycle: { cycle: number; workflowId: string } | null;
  nextCycleAt: IsoTime | null;
  /** Slots given up because the bot reached them more than half an interval late (see domain/schedule). */
  slotsSkipped: number;
  lastSkipped: SkippedSlots | null;
  signals: SignalCounts;
  cyclesCompleted: number;
  cyclesFailed: number;
  runs: number;
  portfolio: PortfolioSummary | null;
  lastCycle: LastCycle | null;
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
