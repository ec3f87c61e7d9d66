import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

// Ad-hoc: print a workflow history's events with their encoded sizes (the largest payloads first).
async function main(): Promise<void> {
  const [address, workflowId] = process.argv.slice(2);
  const client = new Client({ connection: await Connection.connect({ address }) });
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const total = temporal.api.history.v1.History.encode(history).finish().length;
  console.log(`${workflowId}: ${events.length} events, ${total} bytes`);
  for (const e of events) {
    const size = temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
    console.log(
      String(size).padStart(6),
      e.eventId?.toString().padStart(4),
      temporal.api.enums.v1.EventType[e.eventType!],
    );
  }
}
void main();
