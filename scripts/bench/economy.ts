import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { runIdsOf, type CycleHistoryStats } from '../observe/histories';
import { mapLimit } from '../soak/run';

// History economy: what one cycle adds to the bot workflow's history (the events and bytes between one child
// start and the next: the timer, the child's start and close, the workflow tasks between), and what one cycle
// child's own history weighs.

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

export interface Spread {
  n: number;
  mean: number | null;
  max: number | null;
}

export function spread(values: readonly number[], decimals = 1): Spread {
  if (values.length === 0) return { n: 0, mean: null, max: null };
  const k = 10 ** decimals;
  return {
    n: values.length,
    mean: Math.round((values.reduce((s, v) => s + v, 0) / values.length) * k) / k,
    max: Math.max(...values),
  };
}

export interface BotCycleCost {
  events: number[];
  bytes: number[];
  /** Whole runs: events and bytes divided by the cycles the run started (start-up and close included). */
  runEventsPerCycle: number[];
  /** Event types of one steady-state cycle, in order: what the figure is made of. */
  example: string[];
}

const size = (e: HistoryEvent) => temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
const typeName = (e: HistoryEvent) =>
  (EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '').toLowerCase();

/** Per cycle: the events from one StartChildWorkflowExecutionInitiated up to the next, in every run. */
export function cycleCostsOf(events: readonly HistoryEvent[], into: BotCycleCost): void {
  const starts = events.flatMap((e, i) =>
    e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED ? [i] : [],
  );
  for (let k = 1; k < starts.length; k++) {
    const slice = events.slice(starts[k - 1], starts[k]);
    into.events.push(slice.length);
    into.bytes.push(slice.reduce((s, e) => s + size(e), 0));
    if (into.example.length === 0 && k >= 2) into.example = slice.map(typeName);
  }
  if (starts.length > 0) into.runEventsPerCycle.push(Math.round((events.length / starts.length) * 10) / 10);
}

export async function readBotCycleCosts(client: Client, botIds: readonly string[]): Promise<BotCycleCost> {
  const cost: BotCycleCost = { events: [], bytes: [], runEventsPerCycle: [], example: [] };
  await mapLimit(botIds, 8, async (botId) => {
    for (const { runId } of await runIdsOf(client, `bot-${botId}`)) {
      const history = await client.workflow.getHandle(`bot-${botId}`, runId).fetchHistory();
      cycleCostsOf(history.events ?? [], cost);
    }
  });
  return cost;
}

/**
 * Where a child's bytes go: encoded bytes per event type, averaged over up to `sample` children (the largest
 * first), so the payload to trim is named.
 */
export async function childBytesByEventType(
  client: Client,
  children: readonly CycleHistoryStats[],
  sample = 10,
): Promise<{ type: string; bytesPerChild: number; eventsPerChild: number }[]> {
  const picked = [...children].sort((a, b) => b.bytes - a.bytes).slice(0, sample);
  const bytes = new Map<string, number>();
  const counts = new Map<string, number>();
  await mapLimit(picked, 4, async (c) => {
    const history = await client.workflow.getHandle(c.workflowId).fetchHistory();
    for (const e of history.events ?? []) {
      const t = typeName(e);
      bytes.set(t, (bytes.get(t) ?? 0) + size(e));
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  });
  const n = Math.max(1, picked.length);
  return [...bytes.entries()]
    .map(([type, b]) => ({
      type,
      bytesPerChild: Math.round(b / n),
      eventsPerChild: Math.round(((counts.get(type) ?? 0) / n) * 10) / 10,
    }))
    .sort((a, b) => b.bytesPerChild - a.bytesPerChild);
}

export interface EconomyFigures {
  bots: number;
  botEventsPerCycle: Spread;
  botBytesPerCycle: Spread;
  botRunEventsPerCycle: Spread;
  botCycleEventTypes: string[];
  children: number;
  childEvents: Spread;
  childBytes: Spread;
  /** The largest children's bytes by event type. */
  childBytesByEventType: { type: string; bytesPerChild: number; eventsPerChild: number }[];
}

export async function economyOf(
  client: Client,
  botIds: readonly string[],
  children: readonly CycleHistoryStats[],
): Promise<EconomyFigures> {
  const bot = await readBotCycleCosts(client, botIds);
  const done = children.filter((c) => c.status === 'completed');
  return {
    bots: botIds.length,
    botEventsPerCycle: spread(bot.events),
    botBytesPerCycle: spread(bot.bytes, 0),
    botRunEventsPerCycle: spread(bot.runEventsPerCycle),
    botCycleEventTypes: bot.example,
    children: done.length,
    childEvents: spread(done.map((c) => c.events)),
    childBytes: spread(
      done.map((c) => c.bytes),
      0,
    ),
    childBytesByEventType: await childBytesByEventType(client, done),
  };
}
