import type { Client } from '@temporalio/client';
import { arrayFromPayloads, defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

// Reads what a soak, a benchmark or a chaos run did from the one place that cannot flatter it: the workflow
// histories, fetched through the client. Bot runs (every continue-as-new run of bot-<id>) give each cycle's
// slot, due time and outcome; each cycle child's own history gives its timings, attempts and size.

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

export interface RunStats {
  runId: string;
  events: number;
  bytes: number;
  /** Cycles this run started (child workflows initiated). */
  cycles: number;
  continuedAsNew: boolean;
  status: string;
  workflowTaskFailures: number;
}

export interface CycleRecord {
  botId: string;
  cycle: number;
  workflowId: string;
  dueAtMs: number;
  /** The child's WorkflowExecutionStarted, as the parent recorded it. */
  startedAtMs: number | null;
  /** When the parent recorded the child's close. */
  closedAtMs: number | null;
  outcome: 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed-out' | 'running';
}

export interface SkipRecord {
  botId: string;
  from: number;
  to: number;
  at: string;
}

export interface BotHistory {
  botId: string;
  runs: RunStats[];
  cycles: CycleRecord[];
  skips: SkipRecord[];
}

export interface CycleHistoryStats {
  workflowId: string;
  events: number;
  bytes: number;
  startedAtMs: number;
  closedAtMs: number | null;
  /** Activity attempts beyond the first (remote and local), and activity attempts that failed or timed out. */
  retries: number;
  activityFailures: number;
  /** Activities whose retries ran out (the phase failed for good). */
  exhausted: number;
  workflowTaskFailures: number;
  status: string;
}

/** An event's time in epoch milliseconds. */
export const eventMs = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;

function encodedSize(history: temporal.api.history.v1.IHistory): number {
  return temporal.api.history.v1.History.encode(history).finish().length;
}

/** Every run of a workflow id, oldest first (continue-as-new chains included). */
export async function runIdsOf(client: Client, workflowId: string): Promise<{ runId: string; status: string }[]> {
  const runs: { runId: string; status: string; start: number }[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: w.runId, status: w.status.name, start: w.startTime.getTime() });
  }
  return runs.sort((a, b) => a.start - b.start).map(({ runId, status }) => ({ runId, status }));
}

function decodeFirstArg(payloads: temporal.api.common.v1.IPayloads | null | undefined): unknown {
  return arrayFromPayloads(defaultPayloadConverter, payloads?.payloads ?? [])[0];
}

/** The bot's cycles, runs and skipped slots, read from every run of bot-<botId>. */
export async function readBotHistory(client: Client, botId: string): Promise<BotHistory> {
  const runs: RunStats[] = [];
  const cycles = new Map<number, CycleRecord>();
  const skips: SkipRecord[] = [];
  for (const { runId, status } of await runIdsOf(client, `bot-${botId}`)) {
    const history = await client.workflow.getHandle(`bot-${botId}`, runId).fetchHistory();
    const events = history.events ?? [];
    const byInitiated = new Map<number, number>();
    let started = 0;
    for (const e of events) readBotEvent(botId, e, cycles, byInitiated, skips, () => (started += 1));
    runs.push({
      runId,
      events: events.length,
      bytes: encodedSize(history),
      cycles: started,
      continuedAsNew: events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW),
      status,
      workflowTaskFailures: events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).length,
    });
  }
  return { botId, runs, cycles: [...cycles.values()].sort((a, b) => a.cycle - b.cycle), skips };
}

function readBotEvent(
  botId: string,
  e: HistoryEvent,
  cycles: Map<number, CycleRecord>,
  byInitiated: Map<number, number>,
  skips: SkipRecord[],
  onStart: () => void,
): void {
  const at = eventMs(e.eventTime);
  const initiated = (id: number | Long | null | undefined) => cycles.get(byInitiated.get(Number(id)) ?? -1);
  switch (e.eventType) {
    case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
      const a = e.startChildWorkflowExecutionInitiatedEventAttributes!;
      const input = decodeFirstArg(a.input) as { cycle: number; dueAt?: string };
      byInitiated.set(Number(e.eventId), input.cycle);
      cycles.set(input.cycle, {
        botId,
        cycle: input.cycle,
        workflowId: a.workflowId ?? '',
        dueAtMs: input.dueAt ? Date.parse(input.dueAt) : at,
        startedAtMs: null,
        closedAtMs: null,
        outcome: 'running',
      });
      onStart();
      return;
    }
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
      const c = initiated(e.childWorkflowExecutionStartedEventAttributes?.initiatedEventId);
      if (c) c.startedAtMs = at;
      return;
    }
    case EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED: {
      const memo = e.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields ?? {};
      if (memo.skippedSlots) {
        const s = defaultPayloadConverter.fromPayload<{ from: number; to: number; at: string }>(memo.skippedSlots);
        skips.push({ botId, from: s.from, to: s.to, at: s.at });
      }
      return;
    }
  }
  const closes: [temporal.api.enums.v1.EventType, keyof HistoryEvent, CycleRecord['outcome']][] = [
    [
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
      'childWorkflowExecutionCompletedEventAttributes',
      'completed',
    ],
    [EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, 'childWorkflowExecutionFailedEventAttributes', 'failed'],
    [
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
      'childWorkflowExecutionCanceledEventAttributes',
      'canceled',
    ],
    [
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
      'childWorkflowExecutionTerminatedEventAttributes',
      'terminated',
    ],
    [
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
      'childWorkflowExecutionTimedOutEventAttributes',
      'timed-out',
    ],
  ];
  for (const [type, field, outcome] of closes) {
    if (e.eventType !== type) continue;
    const attrs = e[field] as { initiatedEventId?: number | Long | null } | null | undefined;
    const c = initiated(attrs?.initiatedEventId);
    if (c) {
      c.closedAtMs = at;
      c.outcome = outcome;
    }
  }
}

type Long = { toNumber(): number };

/** One cycle child's own history: size, timings, retries and failures. */
export async function readCycleHistory(client: Client, workflowId: string): Promise<CycleHistoryStats> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  let retries = 0;
  let activityFailures = 0;
  let exhausted = 0;
  let status = 'running';
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        retries += (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        // History records only an activity's last attempt: its retries ran out, or its error was final.
        activityFailures += 1;
        exhausted += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        status = 'completed';
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        status = 'failed';
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        status = 'terminated';
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        status = 'canceled';
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        status = 'timed-out';
        break;
    }
  }
  const first = events[0];
  const last = events[events.length - 1];
  return {
    workflowId,
    events: events.length,
    bytes: encodedSize(history),
    startedAtMs: eventMs(first?.eventTime),
    closedAtMs: status === 'running' ? null : eventMs(last?.eventTime),
    retries: retries + localActivityRetries(events),
    activityFailures,
    exhausted,
    workflowTaskFailures: events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).length,
    status,
  };
}

/** Local activities leave one marker each; its `data` header holds the attempt that finally answered. */
function localActivityRetries(events: HistoryEvent[]): number {
  let retries = 0;
  for (const e of events) {
    const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0];
    if (!data) continue;
    const meta = defaultPayloadConverter.fromPayload<{ attempt?: number }>(data);
    if ((meta.attempt ?? 1) > 1) retries += meta.attempt! - 1;
  }
  return retries;
}
