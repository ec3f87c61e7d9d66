import { isEntry, PASS, type RiskRule } from '../types';

/** After a stop-loss exit, waits `stopLossCooldownMinutes` before any new entry: the market just proved us wrong. */
export const stopLossCooldownRule: RiskRule = {
  name: 'stop-loss-cooldown',
  check(order, ctx) {
    if (!isEntry(order) || ctx.lastStopLossAt === null) return PASS;
    const until = new Date(ctx.lastStopLossAt.getTime() + ctx.limits.stopLossCooldownMinutes * 60_000);
    if (ctx.now.getTime() >= until.getTime()) return PASS;
    return {
      kind: 'reject',
      reason: `stop-loss exit at ${ctx.lastStopLossAt.toISOString()}: no new entry until ${until.toISOString()}`,
    };
  },
};
