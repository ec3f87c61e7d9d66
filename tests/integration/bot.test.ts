import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { resolveBotConfig, type BotConfigInput } from '../../src/domain/botConfig';
import { initialBreaker } from '../../src/domain/breaker';
import type { SkippedSlots } from '../../src/domain/schedule';
import { accumulatorOf, performanceStats } from '../../src/trading/learning';
import { initialRiskState, type RiskState } from '../../src/trading/risk/state';
import type { botWorkflow } from '../../src/workflows/bot';
import type { CycleInput } from '../../src/workflows/cycle';
import {
  type BotState,
  type BotStatus,
  type CycleSummary,
  noSignals,
  startSignal,
  statusQuery,
  stopSignal,
} from '../../src/workflows/messages';
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

// The bot keeps a fixed cadence and skips a slot it reaches more than half an interval late. The dev server
// fires timers on a tick of about a second, so a slot the bot waits for can be reached up to ~1 s after it was
// due: bots here default to 3 s intervals (1.5 s tolerance), so that no slot is skipped by accident and each
// cycle number sees its scripted quicktest price.
async function startBot(
  input: Omit<BotConfigInput, 'symbol'> & { symbol?: string },
  worker: TestTemporal = temporal,
): Promise<WorkflowHandle<typeof botWorkflow>> {
  const config = resolveBotConfig({ symbol: 'BTC/USD', intervalSeconds: 3, ...input }, { marketDataMode: 'quicktest' });
  return worker.client.workflow.start<typeof botWorkflow>('botWorkflow', {
    workflowId: `bot-${config.id}`,
    taskQueue: worker.taskQueue,
    args: [{ config }],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A cycle's result: its child workflow's summary. */
const summaryOf = (botId: string, cycle: number, worker: TestTemporal = temporal) =>
  worker.client.workflow.getHandle(`bot-${botId}-cycle-${cycle}`).result() as Promise<CycleSummary>;

/** When each cycle the bot started was due, from the children's inputs in the bot's (current run's) history. */
async function childInputs(bot: WorkflowHandle): Promise<CycleInput[]> {
  const inputs: CycleInput[] = [];
  for (const event of (await bot.fetchHistory()).events ?? []) {
    const started = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (started) inputs.push(defaultPayloadConverter.fromPayload<CycleInput>(started.input!.payloads![0]));
  }
  return inputs;
}

/** Every skip the bot announced in its history: the memo `skippedSlots` of each WorkflowPropertiesModified event. */
async function skipMemos(bot: WorkflowHandle): Promise<(SkippedSlots & { total: number })[]> {
  const memos: (SkippedSlots & { total: number })[] = [];
  for (const event of (await bot.fetchHistory()).events ?? []) {
    const payload = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.skippedSlots;
    if (payload) memos.push(defaultPayloadConverter.fromPayload<SkippedSlots & { total: number }>(payload));
  }
  return memos;
}

const lagMs = (c: { dueAt: string; startedAt: string }) => Date.parse(c.startedAt) - Date.parse(c.dueAt);

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

    const fills = await db.ledger.fills('milestone');
    expect(fills.slice(0, 2).map((f) => [f.side, f.quantity, f.price, f.realizedPnl])).toEqual([
      ['buy', '0.1', '50000', '0.00'],
      ['sell', '0.1', '52000', '200.00'],
    ]);
    expect(fills[1].cashAfter).toBe('10200.00');
    const ledger = await db.ledger.portfolio('milestone', null);
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
    // More than an interval passes: no cycle may start while stopped.
    await sleep(4_000);
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
    // State carried across runs matches the ledger: every cycle's fill is there exactly once, and the cycle
    // numbers are those of the journal (any gap is a slot the bot counted as skipped).
    const fills = await db.ledger.fills('longrun');
    const journal = await db.ledger.journalEntries('longrun');
    expect(fills.map((f) => f.cycle)).toEqual(journal.map((e) => e.cycle));
    expect(journal.length + stopped.slotsSkipped).toBe(stopped.lastCycle!.cycle);
    const ledger = await db.ledger.portfolio('longrun', stopped.lastCycle!.price);
    expect(stopped.portfolio).toEqual(ledger);
    expect(stopped.cyclesCompleted).toBe(fills.length);
    expect(stopped.config.cyclesPerRun).toBe(2);
    // The running statistics, stored beside the journal across every run, equal those recomputed from it.
    expect(await db.ledger.statistics('longrun')).toEqual(accumulatorOf(journal));
    const open = { position: ledger.position, markPrice: ledger.markPrice };
    const { sharpeLike, ...batch } = performanceStats(journal, open);
    expect(Object.keys(stopped.learned!).sort()).toEqual(['sizing', 'stats']);
    expect(stopped.learned?.stats).toMatchObject(batch);
    expect(stopped.learned?.stats.sharpeLike ?? 0).toBeCloseTo(sharpeLike ?? 0, 10);
    expect(stopped.learned?.stats.trades).toBeGreaterThanOrEqual(2);
    // Neither the bot's state nor a cycle's input carries the statistics any more.
    for (const input of await childInputs(bot)) expect(input).not.toHaveProperty('statsAccumulator');
    await bot.terminate('test done');
  });

  it('a re-created bot resumes the ledger and its cycle numbering', async () => {
    const first = await startBot({ id: 'phoenix', intervalSeconds: 60 });
    await untilCycles(first, 1);
    await first.terminate('operator removed the workflow');
    const second = await startBot({ id: 'phoenix', intervalSeconds: 60 });
    const s: BotStatus = await untilCycles(second, 2);
    expect(s.lastCycle?.cycle).toBe(2);
    const fills = await db.ledger.fills('phoenix');
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
    const fillsAtHalt = (await db.ledger.fills('halting')).length;
    const later = await untilCycles(bot, halted.cyclesCompleted + 3);
    expect(later.halted).toBe(true);
    expect(later.lastCycle?.verdict).toMatchObject({ approved: false, rule: 'max-drawdown' });
    expect(later.cyclesFailed).toBe(0);
    const whileHalted = await db.ledger.fills('halting');
    expect(whileHalted.filter((f) => f.side === 'buy' && f.cycle > halted.cyclesCompleted)).toEqual([]);
    expect(whileHalted.length).toBe(fillsAtHalt);

    await bot.signal(startSignal);
    const resumed = await eventually(
      async () => {
        const fills = await db.ledger.fills('halting');
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

  it('continues from a state written before it carried the trading state: risk memory and sizing carry on', async () => {
    const config = resolveBotConfig(
      { id: 'heirloom', symbol: 'BTC/USD', intervalSeconds: 3 },
      { marketDataMode: 'quicktest' },
    );
    const now = new Date().toISOString();
    const riskState: RiskState = { ...initialRiskState('10500.00', now), halted: true };
    const sizing = { multiplier: 0.5, explanation: 'learned by the old run' };
    const flat = { position: { symbol: 'BTC/USD', quantity: '0', averageCost: '0' }, markPrice: null };
    // A continue-as-new input as the code before the engine's trading state wrote it: the risk memory in
    // `riskState`, the sizing only in `learned`, no `trading`.
    const old: Omit<BotState, 'trading'> & { riskState: RiskState } = {
      config,
      running: true,
      cyclesCompleted: 0,
      cyclesFailed: 0,
      lastSlot: 0,
      portfolio: null,
      lastCycle: null,
      lastFailure: null,
      runs: 1,
      createdAt: now,
      breaker: initialBreaker(config.breakerThreshold, config.breakerCooldownSeconds),
      riskState,
      learned: { stats: performanceStats([], flat), sizing },
      schedule: null,
      resumeRequested: false,
      signals: noSignals(),
    };
    const bot = await temporal.client.workflow.start('botWorkflow', {
      workflowId: 'bot-heirloom',
      taskQueue: temporal.taskQueue,
      args: [{ config, state: old }],
    });
    const first = await untilCycles(bot, 1);
    // The first cycle got the old run's risk memory and sizing as its state, and was judged halted by it.
    expect((await childInputs(bot))[0].state).toEqual({ risk: riskState, sizing });
    expect(first.lastCycle?.verdict).toMatchObject({ approved: false, rule: 'max-drawdown' });
    expect(first).toMatchObject({ halted: true, riskState: { halted: true, peakEquity: '10500.00' } });
    // The operator's resume clears the halt in that state, drawdown measured afresh from the equity.
    await bot.signal(startSignal);
    const resumed = await eventually(
      async () => {
        const s = await status(bot);
        return s.halted ? undefined : s;
      },
      30_000,
      'the resume',
    );
    expect(resumed.riskState).toMatchObject({ halted: false, peakEquity: '10000.00' });
    await bot.terminate('test done');
  });

  it('keeps its cadence across continue-as-new: a new run neither cycles early nor drifts', async () => {
    const bot = await startBot({ id: 'steady', cyclesPerRun: 1 });
    const s = await untilCycles(bot, 3);
    expect(s.runs).toBeGreaterThanOrEqual(2);
    const summaries = await Promise.all([1, 2, 3].map((n) => summaryOf('steady', n)));
    const started = await Promise.all(
      [1, 2, 3].map(async (n) =>
        (await temporal.client.workflow.getHandle(`bot-steady-cycle-${n}`).describe()).startTime.getTime(),
      ),
    );
    // Each cycle is a run of its own here; each is due exactly one interval after the one before, and none
    // starts before it is due.
    const due = summaries.map((c) => Date.parse(c.dueAt));
    expect([due[1] - due[0], due[2] - due[1]]).toEqual([3000, 3000]);
    summaries.forEach((c, i) => {
      expect(c.cycle).toBe(i + 1);
      expect(started[i]).toBeGreaterThanOrEqual(due[i]);
      expect(lagMs(c)).toBeGreaterThanOrEqual(0);
    });
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
    const [first, second] = await Promise.all([1, 2].map((n) => summaryOf('toggle', n)));
    // Cycle 2 kept the slot due one interval after cycle 1's, and did not start before it.
    expect(Date.parse(second.dueAt) - Date.parse(first.dueAt)).toBe(3000);
    expect(Date.parse(second.startedAt) - Date.parse(first.startedAt)).toBeGreaterThanOrEqual(2000);
    expect(lagMs(second)).toBeGreaterThanOrEqual(0);
    expect(two.running).toBe(true);
    // No cycle was added off the schedule: every completed cycle has its own slot, one interval after the last
    // (read at whatever cycle the status was read: a loaded machine may read it a few cycles later).
    expect(two.slotsSkipped).toBe(0);
    expect(two.lastCycle?.cycle).toBe(two.cyclesCompleted);
    const all = await Promise.all(Array.from({ length: two.cyclesCompleted }, (_, i) => summaryOf('toggle', i + 1)));
    expect(all.map((c) => Date.parse(c.dueAt) - Date.parse(first.dueAt))).toEqual(all.map((_, i) => i * 3000));
    await bot.terminate('test done');
  });

  it('runs on a fixed cadence: due times exactly one interval apart, each cycle starting within a second', async () => {
    const bot = await startBot({ id: 'cadence', intervalSeconds: 2 });
    await untilCycles(bot, 5);
    // Between cycles the bot says when the next slot is due: on the same grid as the last one's.
    const idle = await eventually(async () => {
      const s = await status(bot);
      return s.running && s.currentCycle === null && s.lastCycle ? s : undefined;
    });
    const ahead = Date.parse(idle.nextCycleAt!) - Date.parse(idle.lastCycle!.dueAt);
    expect(ahead).toBeGreaterThanOrEqual(2000);
    expect(ahead % 2000).toBe(0);
    await bot.signal(stopSignal);
    const stopped = await eventually(async () => {
      const s = await status(bot);
      return !s.running && s.currentCycle === null ? s : undefined;
    });
    expect(stopped.nextCycleAt).toBeNull();

    // The cycles the bot started, from the children's inputs in its history, and what each returned.
    const inputs = await childInputs(bot);
    const summaries = await Promise.all(inputs.map((i) => summaryOf('cadence', i.cycle)));
    expect(summaries.map((c) => [c.cycle, c.dueAt])).toEqual(inputs.map((i) => [i.cycle, i.dueAt]));
    expect(summaries.length).toBe(stopped.cyclesCompleted);
    expect(summaries.length).toBeGreaterThanOrEqual(5);
    expect(stopped.lastCycle!.dueAt).toBe(summaries[summaries.length - 1].dueAt);
    // Slot n is due at the first slot's time + (n - 1) x 2 s, to the millisecond: no drift however long cycles
    // take. Consecutive cycles are due exactly 2 s apart (a slot the server's timer made the bot miss would be
    // a counted skip, and a gap of its own in the cycle numbers).
    const due = summaries.map((c) => Date.parse(c.dueAt));
    expect(due.map((d) => d - due[0])).toEqual(summaries.map((c) => (c.cycle - 1) * 2000));
    expect(summaries[0].cycle).toBe(1);
    expect(stopped.cyclesCompleted + stopped.slotsSkipped).toBe(stopped.lastCycle!.cycle);
    for (const c of summaries) {
      expect(lagMs(c)).toBeGreaterThanOrEqual(0);
      expect(lagMs(c)).toBeLessThan(1000);
    }
    await bot.terminate('test done');
  });

  it('skips the slots it reaches too late (no worker up), counts them and names them in its memo', async () => {
    // A worker of its own, so that stopping it stops only this bot.
    let worker = await startTestWorker(db.deps);
    try {
      const bot = await startBot({ id: 'skipper' }, worker);
      const before = await eventually(
        async () => {
          const s = await status(bot);
          return s.cyclesCompleted >= 2 && s.currentCycle === null ? s : undefined;
        },
        60_000,
        '2 cycles, then idle',
      );
      expect(before.slotsSkipped).toBe(0);

      // The worker goes away (the bot does not stop) for more than two intervals, then comes back.
      await worker.close();
      const downAt = Date.now();
      await sleep(8_000);
      worker = await startTestWorker(db.deps, worker.taskQueue);
      const handle = worker.client.workflow.getHandle<typeof botWorkflow>('bot-skipper');
      await eventually(
        async () => {
          const s = await status(handle);
          return s.lastSkipped && s.lastCycle && s.lastCycle.cycle > s.lastSkipped.to ? s : undefined;
        },
        60_000,
        'a cycle after the skipped slots',
      );
      await handle.signal(stopSignal);
      const after = await eventually(async () => {
        const s = await status(handle);
        return !s.running && s.currentCycle === null ? s : undefined;
      });

      const skipped = after.lastSkipped!;
      expect(after.slotsSkipped).toBeGreaterThan(0);
      expect(skipped.from).toBeGreaterThan(before.lastCycle!.cycle);
      expect(skipped.to).toBeGreaterThanOrEqual(skipped.from);
      expect(Date.parse(skipped.at)).toBeGreaterThanOrEqual(downAt);
      expect(after.cyclesFailed).toBe(0);

      // The history names every skip; their ranges add up to the count, the newest is the status's.
      const memos = await skipMemos(handle);
      expect(memos.length).toBeGreaterThanOrEqual(1);
      expect(memos[memos.length - 1]).toEqual({ ...skipped, total: after.slotsSkipped });
      expect(memos.reduce((sum, m) => sum + (m.to - m.from + 1), 0)).toBe(after.slotsSkipped);
      expect((await handle.describe()).memo?.skippedSlots).toEqual({ ...skipped, total: after.slotsSkipped });

      // The cycle numbers' gaps are exactly the skipped ranges: no cycle ran for a skipped slot.
      const journal = (await db.ledger.journalEntries('skipper')).map((e) => e.cycle);
      const skippedSlots = memos.flatMap((m) => Array.from({ length: m.to - m.from + 1 }, (_, i) => m.from + i));
      const all = Array.from({ length: after.lastCycle!.cycle }, (_, i) => i + 1);
      expect(journal).toEqual(all.filter((c) => !skippedSlots.includes(c)));
      expect(journal).toContain(skipped.from - 1);
      expect(journal).toContain(skipped.to + 1);
      for (const slot of [skipped.from, skipped.to]) {
        await expect(worker.client.workflow.getHandle(`bot-skipper-cycle-${slot}`).describe()).rejects.toBeInstanceOf(
          WorkflowNotFoundError,
        );
      }
      expect(after.cyclesCompleted + after.slotsSkipped).toBe(after.lastCycle!.cycle);

      // The bot kept its cadence through the outage: the first cycle after it was due on the original grid.
      const [first, next] = await Promise.all([1, skipped.to + 1].map((c) => summaryOf('skipper', c, worker)));
      expect(Date.parse(next.dueAt) - Date.parse(first.dueAt)).toBe(skipped.to * 3000);
      // It was run within the half-interval tolerance of its due time (plus the time to start the child).
      expect(lagMs(next)).toBeGreaterThanOrEqual(0);
      expect(lagMs(next)).toBeLessThan(2000);
      await handle.terminate('test done');
    } finally {
      await worker.close().catch(() => undefined);
    }
  });
});
