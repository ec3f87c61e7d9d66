import type { JournalRow } from '../ledger';
import { isValidBotId } from '../domain/botConfig';
import type { Fill } from '../domain/types';
import { ruleVerdicts, type RuleVerdict } from '../trading/risk';
import type { BotsContext } from './bots';
import { ApiError, notFound } from './errors';

// "Why did it trade, why not": one call answers for a cycle or a trade, from the journal (what the cycle saw,
// decided and did) and the ledger (the fill), with a link to the cycle workflow in the Temporal UI.

export interface Explanation {
  botId: string;
  cycle: number;
  workflowId: string;
  /** The cycle workflow in the Temporal UI: its phases as activities, inputs, results, attempts. */
  temporalUi: string;
  recordedAt: string;
  /** One sentence an operator reads first. */
  summary: string;
  observation: { source: string; price: string; ageSeconds: number };
  decision: JournalRow['decision'];
  risk: JournalRow['verdict'] & { rules: RuleVerdict[] };
  order: JournalRow['execution'];
  fill: Fill | null;
  /** Before: after the bot's previous journaled cycle (null for its first). */
  effect: Record<'cash' | 'equity' | 'realizedPnl', { before: string | null; after: string }>;
}

export function temporalUiLink(ctx: BotsContext, workflowId: string): string {
  const { url, namespace } = ctx.temporalUi;
  return `${url.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export async function explainCycle(ctx: BotsContext, botId: string, cycle: number): Promise<Explanation> {
  if (!isValidBotId(botId)) throw new ApiError(400, 'invalid_bot_id', `"${botId}" is not a valid bot id`);
  const found = await ctx.ledger.cycleWithPrevious(botId, cycle);
  if (!found) throw notFound(`cycle ${cycle} of bot "${botId}" (not journaled yet, or no such bot)`);
  const { row, previous, fill } = found;
  return {
    botId,
    cycle,
    workflowId: row.workflowId,
    temporalUi: temporalUiLink(ctx, row.workflowId),
    recordedAt: row.recordedAt,
    summary: summarize(row, fill),
    observation: { source: row.dataSource, price: row.price, ageSeconds: row.dataAgeSeconds },
    decision: row.decision,
    risk: { ...row.verdict, rules: ruleVerdicts(row.verdict) },
    order: row.execution,
    fill,
    effect: {
      cash: { before: previous?.cash ?? null, after: row.cash },
      equity: { before: previous?.equity ?? null, after: row.equity },
      realizedPnl: { before: previous?.realizedPnl ?? null, after: row.realizedPnl },
    },
  };
}

/** `<botId>:<n>`: the bot's n-th fill (1 = its first), explained through the cycle that booked it. */
export async function explainTrade(ctx: BotsContext, tradeId: string): Promise<Explanation & { tradeId: string }> {
  const m = /^(.+):([1-9]\d{0,8})$/.exec(tradeId);
  if (!m || !isValidBotId(m[1])) {
    throw new ApiError(400, 'invalid_trade_id', `"${tradeId}" is not a trade id: <botId>:<n>, n from 1`);
  }
  const fill = await ctx.ledger.nthFill(m[1], Number(m[2]));
  if (!fill) throw notFound(`trade ${tradeId}`);
  return { tradeId, ...(await explainCycle(ctx, m[1], fill.cycle)) };
}

function summarize(row: JournalRow, fill: Fill | null): string {
  const d = row.decision;
  const said = `${d.strategy} said ${d.action.toUpperCase()} (${d.rationale})`;
  const saw = `on ${row.dataSource} data at ${row.price} (${row.dataAgeSeconds} s old)`;
  const risk = row.verdict.approved
    ? `risk approved (${row.verdict.rule})`
    : `risk refused (${row.verdict.rule}: ${row.verdict.reason})`;
  const did = fill
    ? `${fill.side === 'buy' ? 'bought' : 'sold'} ${fill.quantity} ${fill.symbol} at ${fill.price}, fee ${fill.fee}` +
      (fill.side === 'sell' ? `, realized ${fill.realizedPnl}` : '')
    : row.execution?.status === 'rejected'
      ? `the broker rejected the order (${typeof row.execution.reason === 'string' ? row.execution.reason : 'no reason'})`
      : 'no order';
  return `Cycle ${row.cycle}: ${said} ${saw}; ${risk}; ${did}. Equity ${row.equity}.`;
}
