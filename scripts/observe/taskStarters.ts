import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { eventMs } from './histories';

// Which worker did the work: every WorkflowTaskStarted and ActivityTaskStarted event names the identity of the
// worker that polled the task (the SDK's default identity is `<pid>@<hostname>`). The scale-out scenario reads
// them to show who carried the fleet before and after workers died.

const EventType = temporal.api.enums.v1.EventType;

export interface TaskStart {
  workflowId: string;
  kind: 'workflow-task' | 'activity-task';
  identity: string;
  atMs: number;
  /** An activity's attempt (only the last attempt has an event: a timed-out one was retried); 1 for a workflow task. */
  attempt: number;
}

export interface TaskStarters {
  starts: TaskStart[];
  /** WorkflowTaskTimedOut events: a worker died holding the task, which then went to another worker. */
  workflowTaskTimeoutsAt: number[];
}

/** The task starts (and workflow task timeouts) at or after `fromMs` in one run of `workflowId` (default: latest). */
export async function readTaskStarters(
  client: Client,
  workflowId: string,
  fromMs: number,
  runId?: string,
): Promise<TaskStarters> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const starts: TaskStart[] = [];
  const workflowTaskTimeoutsAt: number[] = [];
  for (const e of history.events ?? []) {
    const atMs = eventMs(e.eventTime);
    if (atMs < fromMs) continue;
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) workflowTaskTimeoutsAt.push(atMs);
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      const identity = e.workflowTaskStartedEventAttributes?.identity ?? '';
      starts.push({ workflowId, kind: 'workflow-task', identity, atMs, attempt: 1 });
    }
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const a = e.activityTaskStartedEventAttributes;
      starts.push({ workflowId, kind: 'activity-task', identity: a?.identity ?? '', atMs, attempt: a?.attempt ?? 1 });
    }
  }
  return { starts, workflowTaskTimeoutsAt };
}

/** The worker's pid in an SDK-default identity (`<pid>@<hostname>`); null for any other identity. */
export function pidOfIdentity(identity: string): number | null {
  const m = /^(\d+)@/.exec(identity);
  return m ? Number(m[1]) : null;
}
