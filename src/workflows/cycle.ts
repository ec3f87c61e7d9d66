import {
  CancellationScope,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { OodaActivities } from '../activities';
import type { BotConfig } from '../domain/botConfig';
import type { ExecutionResult, Fill, IsoTime, Phase, PortfolioSummary } from '../domain/types';
import { botTradingStateOf, concludeCycle, withRiskMemory } from '../engine/botState';
import type { BotTradingState } from '../engine/types';
import type { SizeAdjustment } from '../trading/learning/adaptiveSizing';
import type { RiskState } from '../trading/risk/state';
import { phaseOptions } from './activityOptions';
import { type CycleSummary, type ExecutionSummary, phaseQuery } from './messages';
import { perceiveLive, type PerceptionOutcome } from './livePerception';

const account = proxyActivities<OodaActivities>(phaseOptions.account);
// The phases that do no I/O run as local activities: still activities, with the same timeouts and retry
// policies, but run by the workflow worker inside its workflow task. Each is one marker event in history
// instead of three activity events and a workflow task, and costs the server nothing.
const synthetic = proxyLocalActivities<OodaActivities>(phaseOptions.syntheticPerception);
const reasoning = proxyLocalActivities<OodaActivities>(phaseOptions.reasoning);
const risk = proxyLocalActivities<OodaActivities>(phaseOptions.riskCheck);
const execution = proxyActivities<OodaActivities>(phaseOptions.execution);
const learning = proxyActivities<OodaActivities>(phaseOptions.learning);

/**
 * The bot's trading state comes back from the activities: the risk check returns it with the risk memory started,
 * learning returns the next one. Before this patch the cycle itself started the risk memory (at the workflow's
 * start time) and moved it on at its end (at its completion time): cycles begun then replay that way, because
 * their recorded risk check and learning results carry no state.
 */
const ENGINE_STATE_PATCH = 'engine-state-from-activities';

export interface CycleInput {
  config: BotConfig;
  cycle: number;
  /** When this cycle's slot was due (the bot's fixed cadence). */
  dueAt: IsoTime;
  /**
   * The ledger's portfolio as the bot last read it (the bot is its account's only writer); null on a bot's first
   * cycle, or when the bot could not re-read it after a failed cycle: then this cycle reads it first.
   */
  portfolio: PortfolioSummary | null;
  /**
   * The bot's trading state (risk memory and sizing), as the previous cycle returned it. Absent in an input
   * written before bots carried it: then it is derived from `riskState` and `sizing`.
   */
  state?: BotTradingState;
  /** False while the market-data circuit breaker is open: go straight to the fallback. */
  allowLive: boolean;
  /** Inputs from before `state`: the gatekeeper's memory. */
  riskState?: RiskState | null;
  /** Inputs from before `state`: what the learning phase last concluded about entry size. */
  sizing?: SizeAdjustment | null;
}

/** One Observe-Orient-Decide-Act cycle, id bot-<botId>-cycle-<n>. Each phase is an activity with its own policy. */
export async function oodaCycleWorkflow(input: CycleInput): Promise<CycleSummary> {
  const { config, cycle } = input;
  const botId = config.id;
  const workflowId = workflowInfo().workflowId;
  const startedAt = new Date().toISOString();
  // Read before the first command, so a cycle keeps one answer from its first task to its last.
  const stateFromActivities = patched(ENGINE_STATE_PATCH);
  const state = input.state ?? botTradingStateOf(input);
  let current: Phase = 'IDLE';
  setHandler(phaseQuery, () => current, { description: 'The OODA phase this cycle is in now.' });
  // The UI's "current details" of this cycle: its phase, as the phase query answers.
  const phase = (next: Phase) => {
    current = next;
    setCurrentDetails(`**${botId}** cycle ${cycle}: ${next}`);
  };

  const portfolio =
    input.portfolio ??
    (await account.openAccount({ botId, symbol: config.symbol, startingCash: config.startingCash })).portfolio;

  phase('PERCEPTION');
  const perceived: PerceptionOutcome =
    config.marketDataMode === 'quicktest'
      ? {
          snapshot: await synthetic.perceiveMarket({ botId, symbol: config.symbol, cycle, strategy: config.strategy }),
          liveAttempted: false,
          liveOk: false,
          error: null,
        }
      : await perceiveLive(config, cycle, input.allowLive);
  const { snapshot } = perceived;

  phase('REASONING');
  const decision = await reasoning.decide({ config, cycle, snapshot, portfolio, state });

  phase('RISK_CHECK');
  // Later phases need the price and its provenance, not the closes: keep them out of their payloads.
  const market = { ...snapshot, closes: [] };
  const judged = await risk.checkRisk({ config, cycle, snapshot: market, decision, state, portfolio });
  const { verdict } = judged;
  const judgedState = stateFromActivities ? judged.state : withRiskMemory(state, portfolio.equity, startedAt);

  // Once an order may be booked, the cycle sees it through to the journal: a cancel must not cut it in half.
  const { executed, learned } = await CancellationScope.nonCancellable(async () => {
    phase('EXECUTION');
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

    phase('LEARNING');
    const learned = await learning.recordCycle({
      botId,
      cycle,
      workflowId,
      snapshot: market,
      decision,
      verdict,
      execution: executed,
      state: judgedState,
    });
    return { executed, learned };
  });

  const fill: Fill | null = executed?.status === 'filled' ? executed.fill : null;
  const completedAt = new Date().toISOString();
  phase('IDLE');
  return {
    cycle,
    workflowId,
    dataSource: snapshot.source,
    dataAgeSeconds: snapshot.ageSeconds,
    price: snapshot.price,
    decision,
    verdict: { approved: verdict.approved, rule: verdict.rule, reason: verdict.reason, order: verdict.order },
    execution: executed && verdict.order ? summarise(executed, verdict.order) : null,
    portfolio: learned.portfolio,
    learning: { stats: learned.stats, sizing: learned.sizing },
    perception: {
      liveAttempted: perceived.liveAttempted,
      liveOk: perceived.liveOk,
      error: perceived.error,
      note: snapshot.note ?? null,
    },
    state: stateFromActivities
      ? learned.state
      : concludeCycle(
          judgedState,
          { now: completedAt, equity: learned.portfolio.equity, verdict, fill },
          learned.sizing,
        ),
    dueAt: input.dueAt,
    startedAt,
    completedAt,
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
