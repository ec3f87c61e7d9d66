import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The bot's search attributes: operators filter bots by them in the Temporal UI and the CLI
//   temporal workflow list --query "BotState = 'halted' AND Symbol = 'BTC/USD'"
// They must exist in the namespace before a bot sets them (src/temporal/searchAttributes.ts registers them).

export const botIdKey = defineSearchAttributeKey('BotId', SearchAttributeType.KEYWORD);
export const symbolKey = defineSearchAttributeKey('Symbol', SearchAttributeType.KEYWORD);
export const strategyKey = defineSearchAttributeKey('Strategy', SearchAttributeType.KEYWORD);
/** running, stopped, halted (max drawdown: send start) or archived. */
export const botStateKey = defineSearchAttributeKey('BotState', SearchAttributeType.KEYWORD);

export const BOT_SEARCH_ATTRIBUTES = [botIdKey, symbolKey, strategyKey, botStateKey];

export type BotStateLabel = 'running' | 'stopped' | 'halted' | 'archived';
