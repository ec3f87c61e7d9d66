import type { Client } from '@temporalio/client';
import type { BotConfig } from '../domain/botConfig';
import { tradableBotConfig } from '../trading/botConfigCheck';
import { type BotWorkflow, botWorkflowId, type OperatorNote, startSignal, statusQuery } from '../workflows/messages';

export const DEFAULT_BOT = { id: 'btc', symbol: 'BTC/USD' };

/** Makes sure bot `btc` exists and is running: starts it if absent, signals `start` either way; returns its config. */
export async function ensureDefaultBot(
  client: Client,
  taskQueue: string,
  marketDataMode: BotConfig['marketDataMode'],
): Promise<BotConfig> {
  const config = tradableBotConfig(DEFAULT_BOT, marketDataMode);
  const handle = await client.workflow.signalWithStart<BotWorkflow, [OperatorNote?]>('botWorkflow', {
    workflowId: botWorkflowId(config.id),
    taskQueue,
    args: [{ config }],
    signal: startSignal,
    signalArgs: [{ reason: 'npm start: the default bot runs' }],
  });
  // An existing bot keeps the config it was created with: report that one, not the one asked for.
  return (await handle.query(statusQuery)).config;
}
