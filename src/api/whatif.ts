import { engineConfigOf } from '../engine';
import { InvalidSettingError } from '../trading/settings';
import { UnknownStrategyError, validateStrategyConfig } from '../trading/strategies';
import { warmupCycles, whatIf, WhatIfRangeError, type WhatIfReport } from '../whatif/whatIf';
import { type BotsContext, getBot } from './bots';
import { ApiError } from './errors';
import { whatIfBody } from './schemas';

const LAST_CYCLE = 2_147_483_647;

/**
 * What would have happened: the bot's journaled cycles replayed through the state machine with the strategy and
 * params asked for, beside what really happened. Reads the journal and the bot's status; writes nothing.
 */
export async function runWhatIf(ctx: BotsContext, id: string, body: unknown): Promise<WhatIfReport> {
  const request = whatIfBody.parse(body ?? {});
  try {
    validateStrategyConfig(request.strategy, request.params);
  } catch (err) {
    if (err instanceof UnknownStrategyError) throw new ApiError(400, 'unknown_strategy', err.message);
    if (err instanceof InvalidSettingError) throw new ApiError(400, 'invalid_params', err.message);
    throw err;
  }
  // The bot's config (risk limits, costs, mode) applies to the what-if; an unknown bot is a 404 here.
  const { config } = await getBot(ctx, id);
  const from = request.from ?? 1;
  const cycles = await ctx.ledger.cycleRange(id, Math.max(1, from - warmupCycles(request)), request.to ?? LAST_CYCLE);
  try {
    return whatIf({ startingCash: config.startingCash, config: engineConfigOf(config), cycles }, request);
  } catch (err) {
    if (err instanceof WhatIfRangeError) throw new ApiError(400, 'invalid_range', err.message);
    throw err;
  }
}
