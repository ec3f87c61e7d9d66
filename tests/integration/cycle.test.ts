import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { resolveBotConfig } from '../../src/domain/botConfig';
import type { CycleInput } from '../../src/workflows/cycle';
import type { CycleSummary } from '../../src/workflows/messages';
import { createTestDatabase, startTestWorker, type TestDatabase, type TestTemporal } from '../support/harness';

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

/** The activities a workflow ran, in order: each is an activity task, or a local activity's marker. */
async function activitiesRun(handle: WorkflowHandle): Promise<{ name: string; local: boolean }[]> {
  const ran: { name: string; local: boolean }[] = [];
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) ran.push({ name: type, local: false });
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') {
      const data = defaultPayloadConverter.fromPayload<{ activity_type: string }>(marker.details!.data.payloads![0]);
      ran.push({ name: data.activity_type, local: true });
    }
  }
  return ran;
}

describe('oodaCycleWorkflow with the real activities', () => {
  it('runs perception, reasoning, risk check, execution and learning, in that order, and books the fill', async () => {
    const config = resolveBotConfig({ id: 'cycle1', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' });
    const dueAt = new Date().toISOString();
    const input: CycleInput = {
      config,
      cycle: 1,
      dueAt,
      portfolio: null,
      state: { risk: null, sizing: null },
      allowLive: true,
    };
    const handle = await temporal.client.workflow.start('oodaCycleWorkflow', {
      workflowId: 'bot-cycle1-cycle-1',
      taskQueue: temporal.taskQueue,
      args: [input],
    });
    const summary = (await handle.result()) as CycleSummary;

    expect(summary.dataSource).toBe('mock');
    expect(summary.price).toBe('50000.00');
    expect(summary.decision).toMatchObject({ action: 'buy', quantity: '0.1', strategy: 'quicktest' });
    expect(summary.verdict).toMatchObject({ approved: true, rule: 'all-passed' });
    expect(summary.execution).toMatchObject({ status: 'filled', clientOrderId: 'cycle1:1', price: '50000' });
    expect(summary.portfolio).toMatchObject({ cash: '5000.00', equity: '10000.00' });
    expect(summary.dueAt).toBe(dueAt);
    expect(Date.parse(summary.startedAt)).toBeGreaterThanOrEqual(Date.parse(dueAt));
    // The learning phase hands back the bot's figures only: its running statistics stay in the ledger.
    expect(Object.keys(summary.learning!).sort()).toEqual(['sizing', 'stats']);
    expect(summary.learning!.stats).toMatchObject({ cycles: 1, trades: 0 });
    expect(summary).not.toHaveProperty('statsAccumulator');
    expect((await db.ledger.statistics('cycle1'))?.lastCycle).toBe(1);

    // Every phase in order; those that do no I/O (synthetic perception, reasoning, risk) as local activities.
    expect(await activitiesRun(handle)).toEqual([
      { name: 'openAccount', local: false },
      { name: 'perceiveMarket', local: true },
      { name: 'decide', local: true },
      { name: 'checkRisk', local: true },
      { name: 'executeOrder', local: false },
      { name: 'recordCycle', local: false },
    ]);

    const journal = await db.pool.query(
      'SELECT data_source, decision, verdict, execution FROM cycle_journal WHERE bot_id = $1',
      ['cycle1'],
    );
    expect(journal.rows).toHaveLength(1);
    expect(journal.rows[0].data_source).toBe('mock');
    expect(journal.rows[0].execution.status).toBe('filled');
    expect(await handle.query('phase')).toBe('IDLE');
  });

  it('a live bot with no key and no cache falls back to synthetic data, and the gatekeeper refuses the entry', async () => {
    const config = resolveBotConfig(
      { id: 'cycle2', symbol: 'BTC/USD', strategy: { name: 'quicktest', params: {} } },
      { marketDataMode: 'live' },
    );
    const summary = (await temporal.client.workflow.execute('oodaCycleWorkflow', {
      workflowId: 'bot-cycle2-cycle-1',
      taskQueue: temporal.taskQueue,
      args: [
        {
          config,
          cycle: 1,
          dueAt: new Date().toISOString(),
          portfolio: null,
          state: { risk: null, sizing: null },
          allowLive: true,
        } satisfies CycleInput,
      ],
    })) as CycleSummary;
    expect(summary.dataSource).toBe('mock');
    expect(summary.perception).toMatchObject({ liveAttempted: true, liveOk: false });
    expect(summary.perception.error).toContain('AlphaVantage.no-key');
    // A refused order is a normal, recorded outcome, not a failed cycle.
    expect(summary.decision.action).toBe('buy');
    expect(summary.verdict).toMatchObject({ approved: false, rule: 'data-quality' });
    expect(summary.execution).toBeNull();
    expect(await db.ledger.fills('cycle2')).toEqual([]);
    const journal = await db.pool.query('SELECT verdict FROM cycle_journal WHERE bot_id = $1', ['cycle2']);
    expect(journal.rows[0].verdict.rule).toBe('data-quality');
  });
});
