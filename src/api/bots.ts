import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Broker } from '../broker/paperBroker';
import { type BotConfig, isValidBotId } from '../domain/botConfig';
import { dec } from '../domain/money';
import type { Fill, Phase } from '../domain/types';
import { tradableBotConfig } from '../trading/botConfigCheck';
import { figuresOf, type LearnedFigures } from '../trading/learning';
import type { botWorkflow } from '../workflows/bot';
import { type BotStatus, botWorkflowId, phaseQuery, startSignal, statusQuery, stopSignal } from '../workflows/messages';
import { ApiError, notFound } from './errors';

// The bot use cases, transport-agnostic: the REST routes (and later other adapters) are thin calls into these.

export interface BotsContext {
  client: Client;
  broker: Broker;
  taskQueue: string;
  defaultMarketDataMode: BotConfig['marketDataMode'];
}

export type BotView = Omit<BotStatus, 'phase'> & { phase: Phase | 'IN_CYCLE' };

function checkedId(id: string): string {
  if (!isValidBotId(id)) throw new ApiError(400, 'invalid_bot_id', `"${id}" is not a valid bot id`);
  return id;
}

/** Every Temporal call from the API gets a deadline, so an outage answers 503 in seconds, not after retries. */
const TEMPORAL_DEADLINE_MS = 5_000;
function temporal<T>(ctx: BotsContext, call: () => Promise<T>): Promise<T> {
  return ctx.client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, call);
}

function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError;
}

export async function createBot(
  ctx: BotsContext,
  body: unknown,
): Promise<{ id: string; workflowId: string; config: BotConfig }> {
  const config = tradableBotConfig(body, ctx.defaultMarketDataMode);
  // A bot re-created under an old id resumes its ledger account: only if that account is the same market and
  // the same starting cash, or the bot would trade a position it cannot see, or report cash it never had.
  const account = await ctx.broker.account(config.id);
  if (account && (account.symbol !== config.symbol || !dec(account.startingCash).eq(config.startingCash))) {
    throw new ApiError(
      409,
      'account_exists',
      `bot "${config.id}" has a ledger account for ${account.symbol} that started with ${account.startingCash}; ` +
        'a bot re-created under this id resumes it, so use the same symbol and starting cash, or another id',
      { symbol: account.symbol, startingCash: account.startingCash },
    );
  }
  const workflowId = botWorkflowId(config.id);
  try {
    await temporal(ctx, () =>
      ctx.client.workflow.start<typeof botWorkflow>('botWorkflow', {
        workflowId,
        taskQueue: ctx.taskQueue,
        args: [{ config }],
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ApiError(409, 'bot_exists', `bot "${config.id}" already exists and is open`);
    }
    throw err;
  }
  return { id: config.id, workflowId, config };
}

export async function signalBot(ctx: BotsContext, id: string, action: 'start' | 'stop'): Promise<void> {
  const handle = ctx.client.workflow.getHandle(botWorkflowId(checkedId(id)));
  try {
    await temporal(ctx, () => handle.signal(action === 'start' ? startSignal : stopSignal));
  } catch (err) {
    if (isNotFound(err)) throw notFound(`bot "${id}"`);
    throw err;
  }
}

export async function getBot(ctx: BotsContext, id: string): Promise<BotView> {
  const handle = ctx.client.workflow.getHandle(botWorkflowId(checkedId(id)));
  let status: BotStatus;
  try {
    status = await temporal(ctx, () => handle.query(statusQuery));
  } catch (err) {
    if (isNotFound(err)) throw notFound(`bot "${id}"`);
    throw err;
  }
  if (!status.currentCycle) return status;
  // The bot only knows a cycle is in flight; the cycle workflow knows its phase.
  const cycle = ctx.client.workflow.getHandle(status.currentCycle.workflowId);
  const phase = await temporal(ctx, () => cycle.query(phaseQuery)).catch(() => 'IN_CYCLE' as const);
  return { ...status, phase };
}

/** Per-bot and per-strategy statistics and the adaptive sizing, as the learning phase last computed them. */
export async function getStats(
  ctx: BotsContext,
  id: string,
): Promise<{ cyclesCompleted: number; learned: (LearnedFigures & { asOfCycle: number }) | null }> {
  const { cyclesCompleted, portfolio } = await getBot(ctx, id);
  const acc = await ctx.broker.statistics(id);
  if (!acc) return { cyclesCompleted, learned: null };
  const open = portfolio ? { position: portfolio.position, markPrice: portfolio.markPrice } : null;
  return { cyclesCompleted, learned: { ...figuresOf(acc, open), asOfCycle: acc.lastCycle } };
}

export async function listTrades(ctx: BotsContext, id: string): Promise<Fill[]> {
  const fills = await ctx.broker.fills(checkedId(id));
  if (fills.length > 0) return fills;
  try {
    await temporal(ctx, () => ctx.client.workflow.getHandle(botWorkflowId(id)).describe());
  } catch (err) {
    if (isNotFound(err)) throw notFound(`bot "${id}"`);
    throw err;
  }
  return fills;
}
