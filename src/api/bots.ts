import {
  ApplicationFailure,
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  isGrpcDeadlineError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import type { Registry } from 'prom-client';
import { type BotConfig, isValidBotId } from '../domain/botConfig';
import { dec } from '../domain/money';
import type { Fill, Phase } from '../domain/types';
import type { JournalRow, LedgerReader } from '../ledger';
import { tradableBotConfig } from '../trading/botConfigCheck';
import { figuresOf, type LearnedFigures } from '../trading/learning';
import {
  archiveUpdate,
  type BotStatus,
  type BotWorkflow,
  botWorkflowId,
  type CycleSummary,
  phaseQuery,
  startSignal,
  startUpdate,
  statusQuery,
  stopSignal,
  stopUpdate,
  updateConfigUpdate,
} from '../workflows/messages';
import { ApiError, notFound } from './errors';
import { temporalUiLink } from './explain';
import { ledgerMetrics } from './metrics';

// The bot use cases, transport-agnostic: the REST routes (and later other adapters) are thin calls into these.

export interface BotsContext {
  client: Client;
  /** Accounts, statistics, the journal and the fills, read-only; its ping is readiness's Postgres check. */
  ledger: LedgerReader;
  /** GET /metrics: the ledger's figures at scrape time, and the API process's. */
  metrics: Registry;
  /** Where operators open a workflow: the Temporal UI's base URL and the namespace. */
  temporalUi: { url: string; namespace: string };
  taskQueue: string;
  defaultMarketDataMode: BotConfig['marketDataMode'];
}

/** The context over a ledger: the metrics read it at scrape time. */
export function botsContext(opts: {
  client: Client;
  ledger: LedgerReader;
  taskQueue: string;
  defaultMarketDataMode: BotConfig['marketDataMode'];
  temporalUi?: { url: string; namespace: string };
}): BotsContext {
  const { temporalUi, ...rest } = opts;
  return {
    ...rest,
    metrics: ledgerMetrics(opts.ledger),
    temporalUi: temporalUi ?? { url: 'http://127.0.0.1:8233', namespace: 'default' },
  };
}

export type BotView = Omit<BotStatus, 'phase'> & { phase: Phase | 'IN_CYCLE' };

function checkedId(id: string): string {
  if (!isValidBotId(id)) throw new ApiError(400, 'invalid_bot_id', `"${id}" is not a valid bot id`);
  return id;
}

/** Every Temporal call from the API gets a deadline, so an outage answers 503 in seconds, not after retries. */
const TEMPORAL_DEADLINE_MS = 5_000;
function temporal<T>(ctx: BotsContext, call: () => Promise<T>, deadlineMs = TEMPORAL_DEADLINE_MS): Promise<T> {
  return ctx.client.withDeadline(Date.now() + deadlineMs, call);
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
  const account = await ctx.ledger.account(config.id);
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
      ctx.client.workflow.start<BotWorkflow>('botWorkflow', {
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

/** How long start/stop wait for a worker to apply the update before they fall back to the signal. */
const UPDATE_WAIT_MS = 3_000;

/**
 * `start` or `stop` through the Workflow Update of that name: 200 with the bot's new status. Only a worker can
 * apply an update; when none does in time (all down, or busy recovering), the command is sent as the signal of
 * the same name instead, which the server records at once and the bot applies when a worker is back: 202,
 * `applied: false`. A stop must never be lost to an outage. Both may then apply (the late update and the
 * signal): a second stop or start changes nothing. An archived bot answers 409: it never runs again.
 */
export async function commandBot(
  ctx: BotsContext,
  id: string,
  action: 'start' | 'stop',
): Promise<{ applied: true; status: BotStatus } | { applied: false; signal: 'start' | 'stop'; note: string }> {
  const handle = ctx.client.workflow.getHandle<BotWorkflow>(botWorkflowId(checkedId(id)));
  const note = { reason: `${action} from the API (POST /api/bots/${id}/${action})` };
  try {
    const update = action === 'start' ? startUpdate : stopUpdate;
    const status = await temporal(ctx, () => handle.executeUpdate(update, { args: [note] }), UPDATE_WAIT_MS);
    return { applied: true, status };
  } catch (err) {
    if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err))) {
      throw await closedOrNotFound(ctx, id, err);
    }
  }
  try {
    await temporal(ctx, () => handle.signal(action === 'start' ? startSignal : stopSignal, note));
  } catch (err) {
    throw await closedOrNotFound(ctx, id, err);
  }
  return {
    applied: false,
    signal: action,
    note: `no worker applied it within ${UPDATE_WAIT_MS / 1000} s: sent as the ${action} signal, applied when a worker runs`,
  };
}

/** How long DELETE waits for a cycle in flight before it answers 202 (the archive then completes by itself). */
const ARCHIVE_WAIT_MS = 4_000;

/**
 * Archives a bot (the `archive` update): it stops, its cycle in flight (if any) completes, then its workflow
 * completes. Its ledger and journal stay: GET still explains its cycles and trades, and a bot created again under
 * the same id resumes its account. 200 with the final status, or 202 while a cycle still runs; 200 again for a
 * bot already archived.
 */
export async function archiveBot(
  ctx: BotsContext,
  id: string,
): Promise<{ archived: boolean; status: BotStatus | null }> {
  const handle = ctx.client.workflow.getHandle<BotWorkflow>(botWorkflowId(checkedId(id)));
  let update;
  try {
    update = await temporal(ctx, () =>
      handle.startUpdate(archiveUpdate, {
        args: [{ reason: `DELETE /api/bots/${id}` }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      }),
    );
  } catch (err) {
    const answer = await closedOrNotFound(ctx, id, err);
    if (answer instanceof ApiError && answer.code === 'bot_archived') {
      return { archived: true, status: await temporal(ctx, () => handle.query(statusQuery)) };
    }
    throw answer;
  }
  // A deadline, not a race against a timer: a race would leave the SDK's update poll looping in the background
  // until the update completed or the connection closed (then it fails in a gRPC retry timer, after the request).
  try {
    const status = await temporal(ctx, () => update.result(), ARCHIVE_WAIT_MS);
    return { archived: true, status };
  } catch (err) {
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) {
      return { archived: false, status: null };
    }
    throw err;
  }
}

/**
 * The API's answer to an update that failed: 404 for no such bot, 409 for one whose workflow has ended
 * (archived), 400 for arguments the update refused; anything else as it is.
 */
async function closedOrNotFound(ctx: BotsContext, id: string, err: unknown): Promise<unknown> {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === 'InvalidRequest') return new ApiError(400, 'invalid_request', err.cause.message);
  }
  if (!isNotFound(err)) return err;
  // An update to a workflow that has completed answers "not found" too: tell the two apart.
  let status: string;
  try {
    status = (await temporal(ctx, () => ctx.client.workflow.getHandle(botWorkflowId(id)).describe())).status.name;
  } catch (e) {
    if (isNotFound(e)) return notFound(`bot "${id}"`);
    throw e;
  }
  return new ApiError(
    409,
    'bot_archived',
    `bot "${id}" is archived (its workflow is ${status}); create it again to resume its ledger`,
  );
}

/**
 * Changes a bot's config through the `updateConfig` Workflow Update: its validator refuses a bad change before
 * it enters history (400 with the issues, the workflow unchanged); an accepted one returns the new status.
 */
export async function changeBotConfig(ctx: BotsContext, id: string, change: unknown): Promise<BotStatus> {
  const handle = ctx.client.workflow.getHandle<BotWorkflow>(botWorkflowId(checkedId(id)));
  try {
    return await temporal(ctx, () => handle.executeUpdate(updateConfigUpdate, { args: [change] }));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      if (err.cause.type === 'InvalidConfig') {
        throw new ApiError(400, 'invalid_config', err.cause.message, err.cause.details?.[0] ?? null);
      }
    }
    // An archived bot answers 409 as for start and stop, an unknown one 404.
    throw await closedOrNotFound(ctx, id, err);
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
  const acc = await ctx.ledger.statistics(id);
  if (!acc) return { cyclesCompleted, learned: null };
  const open = portfolio ? { position: portfolio.position, markPrice: portfolio.markPrice } : null;
  return { cyclesCompleted, learned: { ...figuresOf(acc, open), asOfCycle: acc.lastCycle } };
}

export const PAGE_MAX = 200;

/** An opaque page cursor: where the next page starts (before this cycle or trade ordinal). */
function encodeCursor(before: number): string {
  return Buffer.from(JSON.stringify({ before }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { before?: unknown };
    if (Number.isSafeInteger(parsed.before) && (parsed.before as number) > 0) return parsed.before as number;
  } catch {
    // falls through to the error below
  }
  throw new ApiError(400, 'invalid_cursor', 'cursor is not one this API returned; start again without it');
}

/** Throws 404 unless the bot exists (in Temporal, open or closed): an empty page must mean "nothing yet". */
async function assertBotExists(ctx: BotsContext, id: string): Promise<void> {
  try {
    await temporal(ctx, () => ctx.client.workflow.getHandle(botWorkflowId(id)).describe());
  } catch (err) {
    if (isNotFound(err)) throw notFound(`bot "${id}"`);
    throw err;
  }
}

/** The bot's fills, newest first, each with its trade id (`<botId>:<n>`, n = 1 for its first fill). */
export async function listTrades(
  ctx: BotsContext,
  id: string,
  limit: number,
  cursor?: string,
): Promise<{ trades: (Fill & { tradeId: string })[]; nextCursor: string | null }> {
  const before = decodeCursor(cursor);
  const fills = await ctx.ledger.trades(checkedId(id), limit, before);
  if (fills.length === 0 && before === undefined) await assertBotExists(ctx, id);
  const trades = fills.map(({ ordinal, ...fill }) => ({ tradeId: `${id}:${ordinal}`, ...fill }));
  const last = fills[fills.length - 1];
  return { trades, nextCursor: fills.length === limit && last.ordinal > 1 ? encodeCursor(last.ordinal) : null };
}

/** The bot's journaled cycles, newest first, each with its explanation's address and its Temporal UI link. */
export async function listCycles(
  ctx: BotsContext,
  id: string,
  limit: number,
  cursor?: string,
): Promise<{ cycles: (JournalRow & { explain: string; temporalUi: string })[]; nextCursor: string | null }> {
  const before = decodeCursor(cursor);
  const rows = await ctx.ledger.cycles(checkedId(id), limit, before);
  if (rows.length === 0 && before === undefined) await assertBotExists(ctx, id);
  const cycles = rows.map((r) => ({
    ...r,
    explain: `/api/bots/${id}/cycles/${r.cycle}`,
    temporalUi: temporalUiLink(ctx, r.workflowId),
  }));
  const last = rows[rows.length - 1];
  return { cycles, nextCursor: rows.length === limit && last.cycle > 1 ? encodeCursor(last.cycle) : null };
}

/** Equity after each journaled cycle, oldest first: the curve a chart draws. */
export async function equitySeries(
  ctx: BotsContext,
  id: string,
  limit: number,
): Promise<{ botId: string; points: { cycle: number; at: string; equity: string }[] }> {
  const points = await ctx.ledger.equity(checkedId(id), limit);
  if (points.length === 0) await assertBotExists(ctx, id);
  return { botId: id, points };
}

/** One line per bot in the list: enough to see what each is doing without opening it. */
export interface BotListEntry {
  id: string;
  workflowId: string;
  symbol: string | null;
  strategy: string | null;
  running: boolean | null;
  halted: boolean | null;
  equity: string | null;
  cyclesCompleted: number | null;
  lastCycle:
    | (Pick<CycleSummary, 'cycle' | 'dataSource' | 'price' | 'completedAt'> & {
        action: string;
        approved: boolean;
      })
    | null;
  /** Set when the bot did not answer its status query in time (a worker down): the rest is then null. */
  unavailable?: string;
}

export const BOT_LIST_MAX = 200;
/** Status queries in flight at once while listing: a big fleet must not flood the workers. */
const LIST_QUERY_CONCURRENCY = 8;

/** The open bots (running or stopped: every bot workflow that has not ended), newest first, at most `limit`. */
export async function listBots(ctx: BotsContext, limit: number): Promise<BotListEntry[]> {
  const workflowIds: string[] = [];
  await temporal(ctx, async () => {
    const open = ctx.client.workflow.list({ query: "WorkflowType = 'botWorkflow' AND ExecutionStatus = 'Running'" });
    for await (const w of open) {
      workflowIds.push(w.workflowId);
      if (workflowIds.length >= limit) break;
    }
  });
  const entries: BotListEntry[] = [];
  let next = 0;
  const worker = async () => {
    while (next < workflowIds.length) {
      const i = next++;
      entries[i] = await listEntry(ctx, workflowIds[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIST_QUERY_CONCURRENCY, workflowIds.length) }, worker));
  return entries;
}

async function listEntry(ctx: BotsContext, workflowId: string): Promise<BotListEntry> {
  const id = workflowId.replace(/^bot-/, '');
  try {
    const s = await temporal(ctx, () => ctx.client.workflow.getHandle(workflowId).query(statusQuery));
    const c = s.lastCycle;
    return {
      id: s.botId,
      workflowId,
      symbol: s.symbol,
      strategy: s.config.strategy.name,
      running: s.running,
      halted: s.halted,
      equity: s.portfolio?.equity ?? null,
      cyclesCompleted: s.cyclesCompleted,
      lastCycle: c
        ? {
            cycle: c.cycle,
            dataSource: c.dataSource,
            price: c.price,
            completedAt: c.completedAt,
            action: c.decision.action,
            approved: c.verdict.approved,
          }
        : null,
    };
  } catch (err) {
    const nothing = { symbol: null, strategy: null, running: null, halted: null, equity: null };
    return { id, workflowId, ...nothing, cyclesCompleted: null, lastCycle: null, unavailable: (err as Error).message };
  }
}

/** Readiness: each dependency reachable within a few seconds, or why not. */
export async function readiness(ctx: BotsContext): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const check = (call: () => Promise<unknown>) =>
    call().then(
      () => 'ok',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
  const [temporalCheck, postgres] = await Promise.all([
    check(() => temporal(ctx, () => ctx.client.workflowService.getSystemInfo({}))),
    check(() => withTimeout(ctx.ledger.ping(), TEMPORAL_DEADLINE_MS, 'Postgres did not answer in time')),
  ]);
  const checks = { temporal: temporalCheck, postgres };
  return { ready: temporalCheck === 'ok' && postgres === 'ok', checks };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
