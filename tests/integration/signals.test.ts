import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { resolveBotConfig } from '../../src/domain/botConfig';
import { LOCAL_CLI } from '../../src/temporal/cli';
import type { botWorkflow } from '../../src/workflows/bot';
import { type BotStatus, startSignal, statusQuery, stopSignal } from '../../src/workflows/messages';
import {
  createTestDatabase,
  eventually,
  startTestWorker,
  type TestDatabase,
  type TestTemporal,
} from '../support/harness';

// Signals under stress: garbage payloads (from the CLI or any client) are rejected and counted, never applied and
// never a failed workflow task; a burst of stop/start signals across continue-as-new loses none.

let db: TestDatabase;
let temporal: TestTemporal;

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await startTestWorker(db.deps);
});
afterAll(async () => {
  await temporal?.close();
  await db?.drop();
});

function startBot(id: string, extra: Record<string, unknown> = {}): Promise<WorkflowHandle<typeof botWorkflow>> {
  const config = resolveBotConfig(
    { id, symbol: 'BTC/USD', intervalSeconds: 1, ...extra },
    { marketDataMode: 'quicktest' },
  );
  return temporal.client.workflow.start<typeof botWorkflow>('botWorkflow', {
    workflowId: `bot-${id}`,
    taskQueue: temporal.taskQueue,
    args: [{ config }],
  });
}

async function workflowTaskFailures(handle: WorkflowHandle): Promise<number> {
  const runs: number[] = [];
  for await (const w of temporal.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
    const history = await temporal.client.workflow.getHandle(handle.workflowId, w.runId).fetchHistory();
    runs.push(
      (history.events ?? []).filter(
        (e) =>
          e.eventType === proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED &&
          // The server refuses a continue-as-new that races a new signal; the SDK then handles the signal first.
          e.workflowTaskFailedEventAttributes?.cause !==
            proto.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
      ).length,
    );
  }
  return runs.reduce((a, b) => a + b, 0);
}

it('rejects malformed signal payloads, visibly, without failing a workflow task or applying them', async () => {
  const bot = await startBot('garbage');
  await eventually(async () => ((await bot.query(statusQuery)).cyclesCompleted >= 1 ? true : undefined));
  const garbage: unknown[][] = [['garbage'], [42], [{ foo: 1 }], [[1, 2]], [{ reason: 7 }], ['a', 'b']];
  for (const args of garbage) await bot.signal('stop', ...args);
  // The real CLI, as an operator would type it.
  const cli = spawnSync(
    LOCAL_CLI,
    [
      'workflow',
      'signal',
      '--address',
      process.env.OODA_TEST_TEMPORAL_ADDRESS!,
      '--workflow-id',
      'bot-garbage',
      '--name',
      'stop',
      '--input',
      '"garbage"',
    ],
    { encoding: 'utf8' },
  );
  expect(cli.status).toBe(0);
  const status = await eventually(async () => {
    const s = await bot.query(statusQuery);
    return s.signals.rejected >= garbage.length + 1 ? s : undefined;
  });
  expect(status.signals).toMatchObject({ rejected: garbage.length + 1, stop: 0, start: 0 });
  expect(status.signals.lastRejected).toMatchObject({ signal: 'stop', reason: expect.stringContaining('string') });
  expect(status.running).toBe(true);
  // A well-formed stop, with a reason, is applied.
  await bot.signal(stopSignal);
  await bot.signal('stop', { reason: 'maintenance' });
  const stopped = await eventually(async () => {
    const s = await bot.query(statusQuery);
    return !s.running && s.signals.stop === 2 ? s : undefined;
  });
  expect(stopped.signals.rejected).toBe(garbage.length + 1);
  expect(await workflowTaskFailures(bot)).toBe(0);
  await bot.terminate();
});

it('loses none of 200 alternating stop/start signals sent in a burst across continue-as-new', async () => {
  // A new run after every cycle, a cycle every half second: the burst spans several continue-as-new boundaries.
  const bot = await startBot('burst', { cyclesPerRun: 1, intervalSeconds: 0.5 });
  await eventually(async () => ((await bot.query(statusQuery)).runs >= 1 ? true : undefined), 60_000);
  const runsAtStart = (await bot.query(statusQuery)).runs;
  // One after the other, as fast as the server takes them, so that their order (and so the last one) is known.
  for (let i = 0; i < 200; i++) await bot.signal(i % 2 === 0 ? stopSignal : startSignal);
  let status: BotStatus = await eventually(async () => {
    const s = await bot.query(statusQuery);
    return s.signals.stop + s.signals.start === 200 ? s : undefined;
  }, 60_000);
  expect(status.signals).toMatchObject({ stop: 100, start: 100, rejected: 0 });
  expect(status.runs).toBeGreaterThan(runsAtStart);
  // Sent in order: the last was a start, so the bot runs, and keeps running across more runs.
  expect(status.running).toBe(true);
  const runsBefore = status.runs;
  status = await eventually(async () => {
    const s = await bot.query(statusQuery);
    return s.runs >= runsBefore + 1 ? s : undefined;
  }, 60_000);
  expect(status.signals).toMatchObject({ stop: 100, start: 100 });
  expect(await workflowTaskFailures(bot)).toBe(0);
  await bot.terminate();
});

it('applies signals that reach a run before its first task in the order sent, and rejects an unknown one', async () => {
  // No worker polls this queue yet: every signal waits in history for the run's first task, as signals do that
  // arrive while the previous run continues as new.
  const taskQueue = `test-queued-${randomBytes(4).toString('hex')}`;
  const config = resolveBotConfig(
    { id: 'queued', symbol: 'BTC/USD', intervalSeconds: 1 },
    { marketDataMode: 'quicktest' },
  );
  const bot = await temporal.client.workflow.start<typeof botWorkflow>('botWorkflow', {
    workflowId: 'bot-queued',
    taskQueue,
    args: [{ config }],
  });
  for (const signal of [stopSignal, startSignal, stopSignal, startSignal]) await bot.signal(signal);
  await bot.signal('resume');
  const late = await startTestWorker(db.deps, taskQueue);
  try {
    const status = await eventually(async () => {
      const s = await bot.query(statusQuery);
      return s.signals.stop + s.signals.start === 4 && s.signals.rejected === 1 ? s : undefined;
    });
    // In order the last was a start; handed out by name (every start, then every stop) the bot would be stopped.
    expect(status.running).toBe(true);
    expect(status.signals).toMatchObject({ stop: 2, start: 2, rejected: 1 });
    expect(status.signals.lastRejected).toMatchObject({ signal: 'resume', reason: expect.stringContaining('unknown') });
    await eventually(async () => ((await bot.query(statusQuery)).cyclesCompleted >= 1 ? true : undefined));
    expect(await workflowTaskFailures(bot)).toBe(0);
  } finally {
    await bot.terminate();
    await late.close();
  }
});
