import type { Client } from '@temporalio/client';
import type { BotConfig } from '../domain/botConfig';
import { validatedBotConfig } from '../api/bots';
import type { botWorkflow } from '../workflows/bot';
import { botWorkflowId, startSignal } from '../workflows/messages';

export const DEFAULT_BOT = { id: 'btc', symbol: 'BTC/USD' };

/** Makes sure bot `btc` exists and is running: starts it if absent, signals `start` either way. */
export async function ensureDefaultBot(
  client: Client,
  taskQueue: string,
  marketDataMode: BotConfig['marketDataMode'],
): Promise<BotConfig> {
  const config = validatedBotConfig(DEFAULT_BOT, marketDataMode);
  await client.workflow.signalWithStart<typeof botWorkflow, []>('botWorkflow', {
    workflowId: botWorkflowId(config.id),
    taskQueue,
    args: [{ config }],
    signal: startSignal,
    signalArgs: [],
  });
  return config;
}
