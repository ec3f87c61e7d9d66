import { makeDecision, px } from './decision';
import { FRACTION_PARAM, InvalidStrategyParamsError, readStrategyParams } from './params';
import { entrySize, heldQuantity, isFlat } from './sizing';
import { TREND_PARAMS, trendIndicators, trendOf } from './trend';
import type { Strategy } from './types';

// Trend following: be long while the fast average is above the slow one, flat while it is below. It acts on the
// state, not only on the crossing candle, so an entry the gatekeeper blocked (stale data, cooldown) is retried
// on the next cycle instead of being missed for the whole trend.

const NAME = 'ma-crossover';
const PARAMS = { ...TREND_PARAMS, fraction: FRACTION_PARAM };

function readParams(params: Record<string, number>) {
  const p = readStrategyParams(NAME, PARAMS, params);
  if (p.fast >= p.slow) {
    throw new InvalidStrategyParamsError(`strategy "${NAME}" params: fast (${p.fast}) must be below slow (${p.slow})`);
  }
  return p;
}

export const maCrossoverStrategy: Strategy = {
  name: NAME,
  description:
    'Buys `fraction` of equity when SMA(fast) is above SMA(slow) and the bot is flat; sells everything when ' +
    'SMA(fast) falls below SMA(slow). Confidence is |spread| / fullScaleSpread.',
  params: PARAMS,
  validateParams(params) {
    readParams(params);
  },
  history(params) {
    return readParams(params).slow;
  },
  decide(ctx) {
    const p = readParams(ctx.params);
    const trend = trendOf(ctx.closes, p);
    const indicators = { ...trendIndicators(trend), sizeMultiplier: ctx.sizing?.multiplier ?? 1 };
    if (!trend) {
      const why = `need ${p.slow} candles for SMA(${p.slow}), have ${ctx.closes.length}: hold`;
      return makeDecision(NAME, 'hold', '0', 0, why, indicators);
    }
    const relation = `SMA(${p.fast}) ${px(trend.fastSma)} ${trend.spread > 0 ? 'above' : trend.spread < 0 ? 'below' : 'equal to'} SMA(${p.slow}) ${px(trend.slowSma)}`;
    const confidence = Math.abs(trend.score);
    if (isFlat(ctx)) {
      if (trend.spread > 0) {
        const size = entrySize(ctx, p.fraction);
        if (size.quantity.gt(0)) {
          const qty = size.quantity.toFixed();
          return makeDecision(
            NAME,
            'buy',
            qty,
            confidence,
            `${relation}: uptrend, buy ${qty} (${size.note})`,
            indicators,
          );
        }
        return makeDecision(NAME, 'hold', '0', 0, `${relation}: uptrend, but no equity to size an entry`, indicators);
      }
      return makeDecision(NAME, 'hold', '0', confidence, `${relation}: no uptrend, stay flat`, indicators);
    }
    if (trend.spread < 0) {
      const qty = heldQuantity(ctx);
      return makeDecision(NAME, 'sell', qty, confidence, `${relation}: trend turned down, sell ${qty}`, indicators);
    }
    return makeDecision(NAME, 'hold', '0', confidence, `${relation}: trend intact, keep the position`, indicators);
  },
};
