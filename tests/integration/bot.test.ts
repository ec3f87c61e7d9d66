import type { WorkflowHandle } from '@temporalio/client';
import { loadJournal } from '../../src/broker/journal';
import { resolveBotConfig, type BotConfigInput } from '../../src/domain/botConfig';
import { performanceStats } from '../../src/trading/learning';
import type { botWorkflow } from '../../src/workflows/bot';
import { type BotStatus, startSignal, statusQuery, stopSignal } from '../../src/workflows/messages';
import {
  createTestDatabase,
  eventually,
  startTestWorker,
  type TestDatabase,
  type TestTemporal,
} from '../support/harness';

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

async function startBot(
  input: Omit<BotConfigInput, 'symbol'> & { symbol?: string },
): Promise<WorkflowHandle<typeof botWorkflow>> {
  const config = resolveBotConfig(
    { symbol: 'BTC/USD', intervalSeconds: 0.2, ...input },
    { marketDataMode: 'quicktest' },
  );
  return temporal.client.workflow.start<typeof botWorkflow>('botWorkflow', {
    workflowId: `bot-${config.id}`,
    taskQueue: temporal.taskQueue,
    args: [{ config }],
  });
}

const status = (h: WorkflowHandle) => h.query(statusQuery);
const untilCycles = (h: WorkflowHandle, n: number) =>
  eventually(
    async () => {
      const s = await status(h);
      return s.cyclesCompleted >= n ? s : undefined;
    },
    60_000,
    `${n} cycles`,
  );

describe('botWorkflow', () => {
  it('reproduces the first milestone: BUY 0.1 @ 50,000, SELL @ 52,000, +200.00, cash 10,200.00', async () => {
    const bot = await startBot({ id: 'milestone' });
    const after = await untilCycles(bot, 2);
    await bot.signal(stopSignal);

    const fills = await db.broker.fills('milestone');
    expect(fills.slice(0, 2).map((f) => [f.side, f.quantity, f.price, f.realizedPnl])).toEqual([
      ['buy', '0.1', '50000', '0.00'],
      ['sell', '0.1', '52000', '200.00'],
    ]);
    expect(fills[1].cashAfter).toBe('10200.00');
    const ledger = await db.broker.portfolio('milestone', null);
    expect(ledger).toMatchObject({ cash: '10200.00', realizedPnl: '200.00', position: { quantity: '0' } });
    expect(after.portfolio).toMatchObject({ cash: '10200.00', equity: '10200.00', realizedPnl: '200.00' });
    expect(after.lastCycle).toMatchObject({
      cycle: 2,
      dataSource: 'mock',
      execution: { side: 'sell', realizedPnl: '200.00' },
    });
    // What the Temporal UI shows as the bot's current details, from the SDK's built-in metadata query.
    const metadata = await bot.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('equity 10200.00, cash 10200.00');
    expect(metadata.currentDetails).toContain('market data: mock; breaker closed');
    await bot.terminate('test done');
  });

  it('stop halts cycling and start resumes it', async () => {
    const bot = await startBot({ id: 'stopstart' });
    await untilCycles(bot, 2);
    await bot.signal(stopSignal);
    const stopped = await eventually(async () => {
      const s = await status(bot);
      return !s.running && s.currentCycle === null ? s : undefined;
    });
    // Ten intervals pass: no cycle may start while stopped.
    await new Promise((r) => setTimeout(r, 2_000));
    const still = await status(bot);
    expect(still.cyclesCompleted).toBe(stopped.cyclesCompleted);
    expect(still.running).toBe(false);

    await bot.signal(startSignal);
    const resumed = await untilCycles(bot, stopped.cyclesCompleted + 2);
    expect(resumed.running).toBe(true);
    await bot.terminate('test done');
  });

  it('continues as new every cyclesPerRun cycles and keeps its state and the signals sent meanwhile', async () => {
    const bot = await startBot({ id: 'longrun', cyclesPerRun: 2 });
    const firstRunId = (await bot.describe()).runId;
    const later = await eventually(
      async () => {
        const s = await status(bot);
        return s.runs >= 3 ? s : undefined;
      },
      60_000,
      '3 continue-as-new runs',
    );
    await bot.signal(stopSignal);
    const stopped = await eventually(async () => {
      const s = await status(bot);
      return !s.running && s.currentCycle === null ? s : undefined;
    });

    expect((await bot.describe()).runId).not.toBe(firstRunId);
    expect(later.cyclesCompleted).toBeGreaterThanOrEqual(6);
    // State carried across runs matches the ledger: every cycle's fill is there exactly once.
    const fills = await db.broker.fills('longrun');
    expect(fills.map((f) => f.cycle)).toEqual(Array.from({ length: fills.length }, (_, i) => i + 1));
    const ledger = await db.broker.portfolio('longrun', stopped.lastCycle!.price);
    expect(stopped.portfolio).toEqual(ledger);
    expect(stopped.cyclesCompleted).toBe(fills.length);
    expect(stopped.config.cyclesPerRun).toBe(2);
    // The running statistics, carried through every run, equal those recomputed from the whole journal.
    const journal = await loadJournal(db.pool, 'longrun');
    const open = { position: ledger.position, markPrice: ledger.markPrice };
    const { sharpeLike, ...batch } = performanceStats(journal, open);
    expect(stopped.learned?.stats).toMatchObject(batch);
    expect(stopped.learned?.stats.sharpeLike ?? 0).toBeCloseTo(sharpeLike ?? 0, 10);
    expect(stopped.learned?.stats.trades).toBeGreaterThanOrEqual(2);
    await bot.terminate('test done');
  });

  it('a re-created bot resumes the ledger and its cycle numbering', async () => {
    const first = await startBot({ id: 'phoenix', intervalSeconds: 60 });
    await untilCycles(first, 1);
    await first.terminate('operator removed the workflow');
    const second = await startBot({ id: 'phoenix', intervalSeconds: 60 });
    const s: BotStatus = await untilCycles(second, 2);
    expect(s.lastCycle?.cycle).toBe(2);
    const fills = await db.broker.fills('phoenix');
    expect(fills.map((f) => f.clientOrderId)).toEqual(['phoenix:1', 'phoenix:2']);
    expect(fills[1]).toMatchObject({ side: 'sell', price: '52000', realizedPnl: '200.00' });
    await second.terminate('test done');
  });

  it('halts new entries after a max-drawdown breach until an operator sends start', async () => {
    // Quicktest: +200 on cycle 2 sets the peak at 10,200; cycle 4 sells at a loss (equity 10,150, 0.49 % down).
    const bot = await startBot({ id: 'halting', risk: { maxDrawdownFraction: 0.004 } });
    const halted = await eventually(
      async () => {
        const s = await status(bot);
        return s.halted ? s : undefined;
      },
      60_000,
      'the halt',
    );
    expect(halted.riskState).toMatchObject({ halted: true, peakEquity: '10200.00' });

    // While halted: cycles go on, every entry is refused by the max-drawdown rule, and nothing is bought.
    const fillsAtHalt = (await db.broker.fills('halting')).length;
    const later = await untilCycles(bot, halted.cyclesCompleted + 3);
    expect(later.halted).toBe(true);
    expect(later.lastCycle?.verdict).toMatchObject({ approved: false, rule: 'max-drawdown' });
    expect(later.cyclesFailed).toBe(0);
    const whileHalted = await db.broker.fills('halting');
    expect(whileHalted.filter((f) => f.side === 'buy' && f.cycle > halted.cyclesCompleted)).toEqual([]);
    expect(whileHalted.length).toBe(fillsAtHalt);

    await bot.signal(startSignal);
    const resumed = await eventually(
      async () => {
        const fills = await db.broker.fills('halting');
        return fills.length > fillsAtHalt ? fills : undefined;
      },
      60_000,
      'a fill after the resume',
    );
    // The first fill after the resume is a new entry, booked in a cycle after the halted ones.
    expect(resumed[fillsAtHalt]).toMatchObject({ side: 'buy' });
    expect(resumed[fillsAtHalt].cycle).toBeGreaterThan(later.cyclesCompleted);
    await bot.terminate('test done');
  });

  it('keeps the interval across continue-as-new: a new run does not cycle early', async () => {
    const bot = await startBot({ id: 'steady', intervalSeconds: 1.5, cyclesPerRun: 1 });
    const s = await untilCycles(bot, 3);
    expect(s.runs).toBeGreaterThanOrEqual(2);
    const started = await Promise.all(
      [1, 2, 3].map(async (n) =>
        (await temporal.client.workflow.getHandle(`bot-steady-cycle-${n}`).describe()).startTime.getTime(),
      ),
    );
    // Each cycle is a run of its own here; every gap still spans the interval.
    expect(started[1] - started[0]).toBeGreaterThanOrEqual(1400);
    expect(started[2] - started[1]).toBeGreaterThanOrEqual(1400);
    await bot.terminate('test done');
  });

  it('toggling stop and start keeps the schedule: it never adds a cycle', async () => {
    const bot = await startBot({ id: 'toggle', intervalSeconds: 3 });
    await untilCycles(bot, 1);
    for (let i = 0; i < 3; i++) {
      await bot.signal(stopSignal);
      await bot.signal(startSignal);
    }
    const two = await untilCycles(bot, 2);
    const [first, second] = await Promise.all(
      [1, 2].map(async (n) =>
        (await temporal.client.workflow.getHandle(`bot-toggle-cycle-${n}`).describe()).startTime.getTime(),
      ),
    );
    expect(second - first).toBeGreaterThanOrEqual(2900);
    expect(two.running).toBe(true);
    await bot.terminate('test done');
  });
});
