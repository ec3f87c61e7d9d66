import { crashPoint } from '../chaos/crashPoints';
import type { Decision, ExecutionResult, MarketSnapshot, PortfolioSummary, RiskVerdict } from '../domain/types';
import {
  type BotTradingState,
  concludeCycle,
  type CycleOutcome,
  learnStatistics,
  observationOf,
  riskOutcomeOf,
} from '../engine';
import {
  accumulatorOf,
  figuresOf,
  type PerformanceStats,
  type SizeAdjustment,
  type StatsAccumulator,
} from '../trading/learning';
import type { ActivityDeps } from './deps';

export interface LearningInput {
  botId: string;
  cycle: number;
  workflowId: string;
  snapshot: MarketSnapshot;
  decision: Decision;
  verdict: RiskVerdict;
  execution: ExecutionResult | null;
  /** The bot's trading state after the risk check; learning moves it on by this cycle. */
  state: BotTradingState;
}

export interface LearningResult {
  portfolio: PortfolioSummary;
  stats: PerformanceStats;
  /** What the next entries' size is scaled by, and why. */
  sizing: SizeAdjustment;
  /** The bot's next trading state: its risk memory moved on by this cycle, and this sizing. */
  state: BotTradingState;
}

export function makeLearningActivities({ ledger, now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * Learn: journal what the cycle saw, decided and did (idempotent per cycle), then advance the bot's
     * statistics and the adaptive sizing by this cycle, and its trading state (the engine's `concludeCycle`).
     */
    async recordCycle(input: LearningInput): Promise<LearningResult> {
      const portfolio = await ledger.portfolio(input.botId, input.snapshot.price);
      await ledger.recordCycle({ ...input, portfolio });
      crashPoint('learning.afterJournal'); // chaos only: the journal row is written, the statistics not yet
      // One journal entry folded into the bot's running statistics, stored beside the journal (not carried
      // through workflow history). A retry finds this cycle already folded in. They are rebuilt from the whole
      // journal (which already holds this cycle) when the bot has none, or when they missed a journal row.
      const fill = input.execution?.status === 'filled' ? input.execution.fill : null;
      const previous = await ledger.previousCycle(input.botId, input.cycle);
      const stored = await ledger.statistics(input.botId);
      // The state machine's learning step (src/engine), the one the backtest and the what-if run.
      const outcome: CycleOutcome = {
        observation: observationOf(input.snapshot, input.cycle, now().toISOString()),
        decision: input.decision,
        verdict: input.verdict,
        fill,
        equity: portfolio.equity,
        position: portfolio.position,
      };
      let accumulator: StatsAccumulator;
      if (stored?.lastCycle === input.cycle) accumulator = stored;
      else if (stored && stored.lastCycle === previous) accumulator = learnStatistics(stored, outcome).learning;
      else accumulator = accumulatorOf(await ledger.journalEntries(input.botId));
      await ledger.saveStatistics(input.botId, accumulator);
      const open = { position: portfolio.position, markPrice: portfolio.markPrice };
      const { stats, sizing } = figuresOf(accumulator, open);
      return { portfolio, stats, sizing, state: concludeCycle(input.state, riskOutcomeOf(outcome), sizing) };
    },
  };
}
