import { proxyActivities } from '@temporalio/workflow';
import type { OodaActivities } from '../../../src/activities';
import type { CycleSummary } from '../../../src/workflows/messages';
import type { CycleInput } from '../../../src/workflows/cycle';

// A deliberately nondeterministic variant of the workflow code, for the replay test to prove it can fail: the
// real cycle observes first; this one journals (the learning phase) first. Replaying any recorded cycle
// against it must fail at its first command.

export { botWorkflow } from '../../../src/workflows/bot';

const learning = proxyActivities<OodaActivities>({ startToCloseTimeout: '30s' });

export async function oodaCycleWorkflow(input: CycleInput): Promise<CycleSummary> {
  await learning.recordCycle({
    botId: input.config.id,
    cycle: input.cycle,
    workflowId: `bot-${input.config.id}-cycle-${input.cycle}`,
    snapshot: {
      symbol: input.config.symbol,
      price: '1',
      asOf: input.dueAt,
      ageSeconds: 0,
      source: 'mock',
      closes: [],
      sentiment: null,
    },
    decision: { action: 'hold', quantity: '0', confidence: 0, rationale: 'reordered', strategy: 'none' },
    verdict: { approved: false, rule: 'none', reason: 'reordered', order: null },
    execution: null,
    state: { risk: null, sizing: null },
  });
  throw new Error('unreachable: the replay stops at the first mismatched command');
}
