import { loadJournal } from '../broker/journal';
import type { Decision, ExecutionResult, MarketSnapshot, PortfolioSummary, RiskVerdict } from '../domain/types';
import {
  accumulatorOf,
  advanceStats,
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
  /** The bot's running statistics before this cycle; null when the bot has none (new, or re-created). */
  accumulator: StatsAccumulator | null;
}

export interface LearningResult {
  portfolio: PortfolioSummary;
  stats: PerformanceStats;
  statsByStrategy: Record<string, PerformanceStats>;
  /** What the next entries' size is scaled by, and why. */
  sizing: SizeAdjustment;
  /** The running statistics after this cycle, for the bot to carry into the next one. */
  accumulator: StatsAccumulator;
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
      // One journal entry folded into the running statistics. They are rebuilt from the whole journal (which
      // already holds this cycle) when the bot has none, or when they missed a journal row: a cycle that wrote
      // its row and then failed (terminated, timed out) never handed its statistics back to the bot.
      const fill = input.execution?.status === 'filled' ? input.execution.fill : null;
      const { rows } = await pool.query<{ previous: number | null }>(
        'SELECT max(cycle) AS previous FROM cycle_journal WHERE bot_id = $1 AND cycle < $2',
        [input.botId, input.cycle],
      );
      const upToDate = input.accumulator !== null && input.accumulator.lastCycle === (rows[0]?.previous ?? 0);
      const accumulator = upToDate
        ? advanceStats(input.accumulator!, {
            cycle: input.cycle,
            time: now().toISOString(),
            strategy: input.decision.strategy,
            equity: portfolio.equity,
            fill,
          })
        : accumulatorOf(await loadJournal(pool, input.botId));
      const open = { position: portfolio.position, markPrice: portfolio.markPrice };
      return { portfolio, ...figuresOf(accumulator, open), accumulator };
    },
  };
}
