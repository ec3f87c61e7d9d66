import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { arrayFromPayloads, defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import Decimal from 'decimal.js';
import { Client as PgClient } from 'pg';
import { CRASH_POINT_MARKER } from '../../src/chaos/crashPoints';
import { CASH_DP } from '../../src/domain/money';
import { runIdsOf } from '../observe/histories';

// What the chaos invariants need beyond scripts/observe (which gives cycles, skips and run statistics): from
// every run of each bot workflow, the signals it received, the updates it accepted, every child it initiated (a
// repeat shows here, where a map by cycle number would hide it), why each failed cycle failed, and the causes of
// workflow task failures; from the journal, how old the data was behind each buy; from the worker logs, the crash
// points hit.

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure;
const EventType = temporal.api.enums.v1.EventType;
const WorkflowTaskFailedCause = temporal.api.enums.v1.WorkflowTaskFailedCause;

/** A position in a bot's chain of runs: run index, then event id. */
export interface HistoryPosition {
  run: number;
  eventId: number;
  atMs: number;
}

export interface BotFacts {
  botId: string;
  /** `start` and `stop` received, as signals or as accepted updates (the API's), in history order. */
  signals: (HistoryPosition & { name: string })[];
  /** Workflow Updates accepted (a rejected one never enters history), each with its input and outcome. */
  updates: (HistoryPosition & { name: string; updateId: string; input: unknown; outcome: UpdateOutcome })[];
  initiated: (HistoryPosition & { cycle: number })[];
  /** Children that could not even start (e.g. the id was taken): a repeated cycle number. */
  startFailures: { cycle: number; cause: string }[];
  failedCycles: { cycle: number; reason: string }[];
  workflowTaskFailures: WorkflowTaskFailure[];
  /** Workflow tasks that timed out: a worker died holding them (expected under chaos, not a failure). */
  workflowTaskTimeouts: number;
}

/** An accepted update's end: completed with a result, failed in its handler, or not completed at all. */
export type UpdateOutcome = 'success' | 'failure' | 'not completed';

export interface WorkflowTaskFailure {
  workflowId: string;
  runId: string;
  eventId: number;
  cause: string;
  message: string;
}

const ms = (t: HistoryEvent['eventTime']) => (t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0);

/** The deepest cause's type and message: a child's failure wraps an activity's, which wraps the error thrown. */
export function rootReason(failure: Failure | null | undefined): string {
  let f = failure;
  while (f?.cause) f = f.cause;
  if (!f) return '';
  const type = f.applicationFailureInfo?.type;
  const timeout = f.timeoutFailureInfo ? `timeout (${String(f.timeoutFailureInfo.timeoutType)})` : undefined;
  return [type ?? timeout, f.message].filter(Boolean).join(': ');
}

function taskFailure(workflowId: string, runId: string, e: HistoryEvent): WorkflowTaskFailure {
  const a = e.workflowTaskFailedEventAttributes;
  const cause = a?.cause ?? 0;
  return {
    workflowId,
    runId,
    eventId: Number(e.eventId),
    cause: WorkflowTaskFailedCause[cause] ?? String(cause),
    message: (a?.failure?.message ?? '').slice(0, 300),
  };
}

export async function readBotFacts(client: Client, botId: string): Promise<BotFacts> {
  const workflowId = `bot-${botId}`;
  const facts: BotFacts = {
    botId,
    signals: [],
    updates: [],
    initiated: [],
    startFailures: [],
    failedCycles: [],
    workflowTaskFailures: [],
    workflowTaskTimeouts: 0,
  };
  const runs = await runIdsOf(client, workflowId);
  for (let run = 0; run < runs.length; run++) {
    const { runId } = runs[run];
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const cycleOf = new Map<number, number>();
    const updateOf = new Map<string, BotFacts['updates'][number]>();
    for (const e of history.events ?? []) {
      const at = { run, eventId: Number(e.eventId), atMs: ms(e.eventTime) };
      switch (e.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
          facts.signals.push({ ...at, name: e.workflowExecutionSignaledEventAttributes?.signalName ?? '' });
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
          const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
          const update = {
            ...at,
            name: request?.input?.name ?? '',
            updateId: request?.meta?.updateId ?? '',
            input: arrayFromPayloads(defaultPayloadConverter, request?.input?.args?.payloads ?? [])[0],
            outcome: 'not completed' as UpdateOutcome,
          };
          updateOf.set(update.updateId, update);
          facts.updates.push(update);
          // The API's start and stop are updates of those names: to the invariants, the same as the signals.
          if (update.name === 'start' || update.name === 'stop') facts.signals.push({ ...at, name: update.name });
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
          const a = e.workflowExecutionUpdateCompletedEventAttributes;
          const update = updateOf.get(a?.meta?.updateId ?? '');
          if (update) update.outcome = a?.outcome?.failure ? 'failure' : 'success';
          break;
        }
        case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
          const input = e.startChildWorkflowExecutionInitiatedEventAttributes?.input;
          const arg = arrayFromPayloads(defaultPayloadConverter, input?.payloads ?? [])[0] as { cycle: number };
          cycleOf.set(at.eventId, arg.cycle);
          facts.initiated.push({ ...at, cycle: arg.cycle });
          break;
        }
        case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: {
          const a = e.startChildWorkflowExecutionFailedEventAttributes;
          facts.startFailures.push({
            cycle: cycleOf.get(Number(a?.initiatedEventId)) ?? -1,
            cause: String(a?.cause),
          });
          break;
        }
        case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED: {
          const a = e.childWorkflowExecutionFailedEventAttributes;
          facts.failedCycles.push({
            cycle: cycleOf.get(Number(a?.initiatedEventId)) ?? -1,
            reason: rootReason(a?.failure),
          });
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
          facts.workflowTaskFailures.push(taskFailure(workflowId, runId, e));
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
          facts.workflowTaskTimeouts += 1;
          break;
      }
    }
  }
  return facts;
}

/** The causes of the workflow task failures in one workflow's (latest run's) history. */
export async function workflowTaskFailuresOf(client: Client, workflowId: string): Promise<WorkflowTaskFailure[]> {
  const handle = client.workflow.getHandle(workflowId);
  const history = await handle.fetchHistory();
  const runId = (await handle.describe()).runId;
  return (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
    .map((e) => taskFailure(workflowId, runId, e));
}

/** Is position a strictly after b? */
export function after(a: HistoryPosition, b: HistoryPosition): boolean {
  return a.run > b.run || (a.run === b.run && a.eventId > b.eventId);
}

export interface JournalFacts {
  rows: number;
  /** Journal rows whose execution was a retry that found its original fill or rejection (duplicate: true). */
  duplicateExecutions: number;
  /** Buys, their data's age, per bot, for the freshness check. */
  buys: { botId: string; cycle: number; dataAgeSeconds: number; dataSource: string }[];
}

export async function readJournalFacts(databaseUrl: string, botIds: readonly string[]): Promise<JournalFacts> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{
      bot_id: string;
      cycle: number;
      data_age_seconds: string;
      data_source: string;
      duplicate: string | null;
      side: string | null;
    }>(
      `SELECT j.bot_id, j.cycle, j.data_age_seconds, j.data_source, j.execution->>'duplicate' AS duplicate, f.side
         FROM cycle_journal j LEFT JOIN fills f ON f.bot_id = j.bot_id AND f.cycle = j.cycle
        WHERE j.bot_id = ANY($1)`,
      [[...botIds]],
    );
    return {
      rows: rows.length,
      duplicateExecutions: rows.filter((r) => r.duplicate === 'true').length,
      buys: rows
        .filter((r) => r.side === 'buy')
        .map((r) => ({
          botId: r.bot_id,
          cycle: r.cycle,
          dataAgeSeconds: Number(r.data_age_seconds),
          dataSource: r.data_source,
        })),
    };
  } finally {
    await db.end();
  }
}

/** Crash point hits as the dying workers wrote them to their logs: point name -> count. */
export function crashPointHitsInLogs(runDir: string): Record<string, number> {
  const logs = path.join(runDir, 'logs');
  const hits: Record<string, number> = {};
  for (const file of readdirSync(logs).filter((f) => /^worker-\d+\.log$/.test(f))) {
    for (const line of readFileSync(path.join(logs, file), 'utf8').split('\n')) {
      const at = line.indexOf(CRASH_POINT_MARKER);
      if (at < 0) continue;
      const name = line
        .slice(at + CRASH_POINT_MARKER.length)
        .trim()
        .split(' ')[0];
      hits[name] = (hits[name] ?? 0) + 1;
    }
  }
  return hits;
}

export interface AccountCheck {
  accounts: number;
  fills: number;
  /** Fields whose ledger value differs from the one recomputed from the fills, rounded to the cent. */
  mismatches: { botId: string; field: 'cash' | 'realizedPnl' | 'position'; ledger: string; recomputed: string }[];
  /** Fields that differ at all, at the ledger's own precision (CASH_DP decimals): should be none either. */
  exactDifferences: number;
}

/**
 * Each account recomputed from its starting cash and its fills alone, at the ledger's precision: the broker
 * books a notional of price x quantity rounded to CASH_DP (8) decimals, not to the cent, so a recomputation that
 * rounds each notional to the cent (as scripts/observe/ledgerAudit.ts does) drifts by cents over many fills.
 */
export async function recomputeAccounts(databaseUrl: string, botIds: readonly string[]): Promise<AccountCheck> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const ids = [[...botIds]];
    const accounts = await db.query<{ bot_id: string; starting_cash: string; cash: string; realized_pnl: string }>(
      'SELECT bot_id, starting_cash, cash, realized_pnl FROM accounts WHERE bot_id = ANY($1)',
      ids,
    );
    const positions = await db.query<{ bot_id: string; quantity: string }>(
      'SELECT bot_id, quantity FROM positions WHERE bot_id = ANY($1)',
      ids,
    );
    const fills = await db.query<{
      bot_id: string;
      side: 'buy' | 'sell';
      quantity: string;
      price: string;
      fee: string;
      realized_pnl: string;
    }>('SELECT bot_id, side, quantity, price, fee, realized_pnl FROM fills WHERE bot_id = ANY($1) ORDER BY id', ids);
    const check: AccountCheck = {
      accounts: accounts.rows.length,
      fills: fills.rows.length,
      mismatches: [],
      exactDifferences: 0,
    };
    const cents = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
    for (const a of accounts.rows) {
      let cash = new Decimal(a.starting_cash);
      let realized = new Decimal(0);
      let held = new Decimal(0);
      for (const f of fills.rows.filter((r) => r.bot_id === a.bot_id)) {
        const notional = new Decimal(f.quantity).mul(f.price).toDecimalPlaces(CASH_DP, Decimal.ROUND_HALF_UP);
        cash = f.side === 'buy' ? cash.minus(notional).minus(f.fee) : cash.plus(notional).minus(f.fee);
        held = f.side === 'buy' ? held.plus(f.quantity) : held.minus(f.quantity);
        realized = realized.plus(f.realized_pnl);
      }
      const position = new Decimal(positions.rows.find((p) => p.bot_id === a.bot_id)?.quantity ?? 0);
      const compare = (field: AccountCheck['mismatches'][number]['field'], ledger: Decimal, recomputed: Decimal) => {
        if (!ledger.eq(recomputed)) check.exactDifferences += 1;
        const [l, r] =
          field === 'position' ? [ledger.toFixed(8), recomputed.toFixed(8)] : [cents(ledger), cents(recomputed)];
        if (l !== r) check.mismatches.push({ botId: a.bot_id, field, ledger: l, recomputed: r });
      };
      compare('cash', new Decimal(a.cash), cash);
      compare('realizedPnl', new Decimal(a.realized_pnl), realized);
      compare('position', position, held);
    }
    return check;
  } finally {
    await db.end();
  }
}
