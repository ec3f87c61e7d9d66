import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../src/config';
import { connectClient, temporalEndpoint } from '../../src/temporal/connection';

// Ad-hoc: print a workflow history's events with their encoded sizes (the largest payloads first). TLS and an API
// key come from the TEMPORAL_* variables or profile, as for the worker.
async function main(): Promise<void> {
  const [address, workflowId] = process.argv.slice(2);
  const client = new Client({ connection: await connectClient(temporalEndpoint(loadConfig().temporal, address)) });
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
