import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  readBotHistory,
  readCycleHistory,
  runIdsOf,
  type BotHistory,
  type CycleHistoryStats,
} from '../observe/histories';
import { percentile } from '../observe/stats';
import { mapLimit } from '../soak/run';

// What the bench reads back from workflow histories, on top of scripts/observe/histories.ts: bots read once
// their cycles in flight have closed, and the server's dispatch latencies (task scheduled -> started).

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

export const eventMs = (e: HistoryEvent): number =>
  e.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + (e.eventTime.nanos ?? 0) / 1e6 : 0;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bot histories, re-read until no cycle is in flight (at most `timeoutMs`), so durations and outcomes are final. */
export async function readSettledBots(client: Client, botIds: readonly string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  const byId = new Map<string, BotHistory>();
  let pending = [...botIds];
  for (;;) {
    const read = await mapLimit(pending, 8, (id) => readBotHistory(client, id));
    for (const h of read) byId.set(h.botId, h);
    pending = read.filter((h) => h.cycles.some((c) => c.outcome === 'running')).map((h) => h.botId);
    if (pending.length === 0 || Date.now() > deadline) break;
    // Many cycles still in flight means an overloaded server: read less often while it drains.
    await sleep(pending.length > 20 ? 5000 : 1000);
  }
  return { bots: botIds.map((id) => byId.get(id)!), unsettled: pending.length };
}

export function readChildren(client: Client, workflowIds: readonly string[]): Promise<CycleHistoryStats[]> {
  return mapLimit(workflowIds, 8, (id) => readCycleHistory(client, id));
}

/** Milliseconds from a task's scheduled event to its started event, per kind, in one history. */
export interface DispatchGaps {
  workflowTask: number[];
  activityTask: number[];
  /** Parent only: StartChildWorkflowExecutionInitiated -> ChildWorkflowExecutionStarted. */
  childStart: number[];
  /** Parent only: how long after its due time a timer fired. */
  timerLate: number[];
}

export function emptyGaps(): DispatchGaps {
  return { workflowTask: [], activityTask: [], childStart: [], timerLate: [] };
}

export function dispatchGaps(events: readonly HistoryEvent[], into: DispatchGaps = emptyGaps()): DispatchGaps {
  const at = new Map<number, number>();
  const timerDue = new Map<string, number>();
  for (const e of events) {
    const t = eventMs(e);
    at.set(Number(e.eventId), t);
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
        const s = at.get(Number(e.workflowTaskStartedEventAttributes?.scheduledEventId));
        if (s !== undefined) into.workflowTask.push(t - s);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const s = at.get(Number(e.activityTaskStartedEventAttributes?.scheduledEventId));
        if (s !== undefined) into.activityTask.push(t - s);
        break;
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const s = at.get(Number(e.childWorkflowExecutionStartedEventAttributes?.initiatedEventId));
        if (s !== undefined) into.childStart.push(t - s);
        break;
      }
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const a = e.timerStartedEventAttributes;
        const d = a?.startToFireTimeout;
        const ms = d ? Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6 : 0;
        if (a?.timerId) timerDue.set(a.timerId, t + ms);
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED: {
        const due = timerDue.get(e.timerFiredEventAttributes?.timerId ?? '');
        if (due !== undefined) into.timerLate.push(t - due);
        break;
      }
    }
  }
  return into;
}

/** Dispatch gaps over every run of each workflow id (mapLimit 8). */
export async function readDispatchGaps(client: Client, workflowIds: readonly string[]): Promise<DispatchGaps> {
  const gaps = emptyGaps();
  await mapLimit(workflowIds, 8, async (id) => {
    for (const { runId } of await runIdsOf(client, id)) {
      const history = await client.workflow.getHandle(id, runId).fetchHistory();
      dispatchGaps(history.events ?? [], gaps);
    }
  });
  return gaps;
}

export interface Percentiles {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export function percentiles(values: readonly number[]): Percentiles {
  return {
    n: values.length,
    p50: r1(percentile(values, 50)),
    p95: r1(percentile(values, 95)),
    p99: r1(percentile(values, 99)),
    max: r1(percentile(values, 100)),
  };
}

export function summariseGaps(g: DispatchGaps) {
  return {
    workflowTaskMs: percentiles(g.workflowTask),
    activityTaskMs: percentiles(g.activityTask),
    childStartMs: percentiles(g.childStart),
    timerLateMs: percentiles(g.timerLate),
  };
}
