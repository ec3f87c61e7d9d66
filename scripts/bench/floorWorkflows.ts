import { executeChild, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import { phaseOptions } from '../../src/workflows/activityOptions';

// The floor: the bot's parent/child/five-activity shape with nothing inside. A parent that loops on a timer
// (fixed cadence, as the bot's schedule) and starts one child per slot; the child runs three no-op LOCAL
// activities (perception in quicktest mode, reasoning, risk check) and two no-op activities (execution,
// learning) with the real phases' options. Whatever the real cycle costs above this is the app's own.
// The ids follow the bot's (bot-<id>, bot-<id>-cycle-<n>) and the child input carries cycle and dueAt, so
// scripts/observe/histories.ts reads a floor run exactly as it reads a bot.

/** The no-op activities, under the real phases' names. */
export interface FloorActivities {
  perceiveMarket(): Promise<null>;
  decide(): Promise<null>;
  checkRisk(): Promise<null>;
  executeOrder(): Promise<null>;
  recordCycle(): Promise<null>;
}

const synthetic = proxyLocalActivities<FloorActivities>(phaseOptions.syntheticPerception);
const reasoning = proxyLocalActivities<FloorActivities>(phaseOptions.reasoning);
const risk = proxyLocalActivities<FloorActivities>(phaseOptions.riskCheck);
const execution = proxyActivities<FloorActivities>(phaseOptions.execution);
const learning = proxyActivities<FloorActivities>(phaseOptions.learning);

export interface FloorCycleInput {
  cycle: number;
  dueAt: string;
}

export async function floorCycleWorkflow(input: FloorCycleInput): Promise<number> {
  await synthetic.perceiveMarket();
  await reasoning.decide();
  await risk.checkRisk();
  await execution.executeOrder();
  await learning.recordCycle();
  return input.cycle;
}

export interface FloorBotInput {
  botId: string;
  cycles: number;
  /** 0: back to back, no timer. */
  intervalSeconds: number;
}

/** Slot n is due at start + (n - 1) x interval; a slot reached late runs at once (the floor never skips). */
export async function floorBotWorkflow(input: FloorBotInput): Promise<number> {
  const startMs = Date.now();
  for (let cycle = 1; cycle <= input.cycles; cycle++) {
    const dueMs = startMs + (cycle - 1) * input.intervalSeconds * 1000;
    const waitMs = dueMs - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    await executeChild(floorCycleWorkflow, {
      workflowId: `bot-${input.botId}-cycle-${cycle}`,
      args: [{ cycle, dueAt: new Date(dueMs).toISOString() }],
    });
  }
  return input.cycles;
}
