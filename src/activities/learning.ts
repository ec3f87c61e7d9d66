import { loadJournal, loadStatsAccumulator, saveStatsAccumulator } from '../broker/journal';
import { crashPoint } from '../chaos/crashPoints';
import type { Decision, ExecutionResult, MarketSnapshot, PortfolioSummary, RiskVerdict } from '../domain/types';
import { type CycleOutcome, learnStatistics, observationOf } from '../engine';
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
}

export interface LearningResult {
  portfolio: PortfolioSummary;
  stats: PerformanceStats;
  /** What the next entries' size is scaled by, and why. */
  sizing: SizeAdjustment;
}

export function makeLearningActivities({ pool, broker, now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * Learn: journal what the cycle saw, decided and did (idempotent per cycle), then advance the bot's
     * statistics and the adaptive sizing by this cycle.
     */
    async recordCycle(input: LearningInput): Promise<LearningResult> {
      const portfolio = await broker.portfolio(input.botId, input.snapshot.price);
      await pool.query(
        `INSERT INTO cycle_journal (bot_id, cycle, workflow_id, data_source, data_age_seconds, price, decision, verdict,
                                    execution, cash, equity, realized_pnl)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (bot_id, cycle) DO UPDATE SET
           workflow_id = EXCLUDED.workflow_id, data_source = EXCLUDED.data_source,
           data_age_seconds = EXCLUDED.data_age_seconds, price = EXCLUDED.price, decision = EXCLUDED.decision,
           verdict = EXCLUDED.verdict, execution = EXCLUDED.execution, cash = EXCLUDED.cash,
           equity = EXCLUDED.equity, realized_pnl = EXCLUDED.realized_pnl, recorded_at = now()`,
        [
          input.botId,
          input.cycle,
          input.workflowId,
          input.snapshot.source,
          input.snapshot.ageSeconds,
          input.snapshot.price,
          JSON.stringify(input.decision),
          JSON.stringify(input.verdict),
          input.execution ? JSON.stringify(input.execution) : null,
          portfolio.cash,
          portfolio.equity,
          portfolio.realizedPnl,
        ],
      );
      crashPoint('learning.afterJournal'); // chaos only: the journal row is written, the statistics not yet
      // One journal entry folded into the bot's running statistics, stored beside the journal (not carried
      // through workflow history). A retry finds this cycle already folded in. They are rebuilt from the whole
      // journal (which already holds this cycle) when the bot has none, or when they missed a journal row.
      const fill = input.execution?.status === 'filled' ? input.execution.fill : null;
      const { rows } = await pool.query<{ previous: number | null }>(
        'SELECT max(cycle) AS previous FROM cycle_journal WHERE bot_id = $1 AND cycle < $2',
        [input.botId, input.cycle],
      );
      const stored = await loadStatsAccumulator(pool, input.botId);
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
      else if (stored && stored.lastCycle === (rows[0]?.previous ?? 0)) {
        accumulator = learnStatistics(stored, outcome).learning;
      } else accumulator = accumulatorOf(await loadJournal(pool, input.botId));
      await saveStatsAccumulator(pool, input.botId, accumulator);
      const { stats, sizing } = figuresOf(accumulator, {
        position: portfolio.position,
        markPrice: portfolio.markPrice,
      });
      return { portfolio, stats, sizing };
    },
  };
}
