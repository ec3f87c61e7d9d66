import { proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { OodaActivities } from '../activities';
import type { BotConfig } from '../domain/botConfig';
import type { ExecutionResult, Phase, PortfolioSummary } from '../domain/types';
import { phaseOptions } from './activityOptions';
import { type CycleSummary, type ExecutionSummary, phaseQuery } from './messages';

const account = proxyActivities<OodaActivities>(phaseOptions.account);
const perception = proxyActivities<OodaActivities>(phaseOptions.perception);
const reasoning = proxyActivities<OodaActivities>(phaseOptions.reasoning);
const risk = proxyActivities<OodaActivities>(phaseOptions.riskCheck);
const execution = proxyActivities<OodaActivities>(phaseOptions.execution);
const learning = proxyActivities<OodaActivities>(phaseOptions.learning);

export interface CycleInput {
  config: BotConfig;
  cycle: number;
  /** The bot's view of the portfolio after the previous cycle; null on a bot's first cycle. */
  portfolio: PortfolioSummary | null;
}

/** One Observe-Orient-Decide-Act cycle, id bot-<botId>-cycle-<n>. Each phase is an activity with its own policy. */
export async function oodaCycleWorkflow(input: CycleInput): Promise<CycleSummary> {
  const { config, cycle } = input;
  const botId = config.id;
  const workflowId = workflowInfo().workflowId;
  const startedAt = new Date().toISOString();
  let phase: Phase = 'IDLE';
  setHandler(phaseQuery, () => phase, { description: 'The OODA phase this cycle is in now.' });

  const portfolio =
    input.portfolio ??
    (await account.openAccount({ botId, symbol: config.symbol, startingCash: config.startingCash })).portfolio;

  phase = 'PERCEPTION';
  const snapshot = await perception.perceiveMarket({
    botId,
    symbol: config.symbol,
    cycle,
    mode: config.marketDataMode,
  });

  phase = 'REASONING';
  const decision = await reasoning.decide({ config, cycle, snapshot, portfolio });

  phase = 'RISK_CHECK';
  const { verdict } = await risk.checkRisk({ config, cycle, snapshot, decision });

  phase = 'EXECUTION';
  let executed: ExecutionResult | null = null;
  if (verdict.approved && verdict.order) {
    executed = await execution.executeOrder({
      intent: {
        clientOrderId: `${botId}:${cycle}`,
        botId,
        cycle,
        symbol: config.symbol,
        side: verdict.order.side,
        quantity: verdict.order.quantity,
        referencePrice: snapshot.price,
      },
      costs: config.broker,
    });
  }

  phase = 'LEARNING';
  const after = await learning.recordCycle({
    botId,
    cycle,
    workflowId,
    snapshot,
    decision,
    verdict,
    execution: executed,
  });

  phase = 'IDLE';
  return {
    cycle,
    workflowId,
    dataSource: snapshot.source,
    dataAgeSeconds: snapshot.ageSeconds,
    price: snapshot.price,
    decision,
    verdict: { approved: verdict.approved, rule: verdict.rule, reason: verdict.reason, order: verdict.order },
    execution: executed && verdict.order ? summarise(executed, verdict.order) : null,
    portfolio: after,
    startedAt,
    completedAt: new Date().toISOString(),
  };
}

function summarise(result: ExecutionResult, order: { side: 'buy' | 'sell'; quantity: string }): ExecutionSummary {
  if (result.status === 'rejected') {
    return { status: 'rejected', clientOrderId: result.clientOrderId, ...order, reason: result.reason };
  }
  const { fill } = result;
  return {
    status: 'filled',
    clientOrderId: fill.clientOrderId,
    side: fill.side,
    quantity: fill.quantity,
    price: fill.price,
    fee: fill.fee,
    realizedPnl: fill.realizedPnl,
  };
}
