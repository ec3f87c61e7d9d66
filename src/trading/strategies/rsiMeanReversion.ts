import { numbersOf, rounded, rsi } from '../indicators';
import { clamp01, makeDecision } from './decision';
import { FRACTION_PARAM, InvalidStrategyParamsError, readStrategyParams } from './params';
import { entrySize, heldQuantity, isFlat } from './sizing';
import type { Strategy } from './types';

// Mean reversion: buy a sell-off (RSI below oversold) when flat, sell the rebound (RSI above overbought) when
// holding. Wilder's RSI depends on all the history it is given, so the caller's candle window matters.

const RSI_HISTORY_PERIODS = 5;
const NAME = 'rsi-mean-reversion';
const PARAMS = {
  period: { default: 14, min: 2, max: 200, integer: true, description: 'RSI period, in candles' },
  oversold: { default: 30, min: 0, max: 100, description: 'buy when flat and RSI is below this' },
  overbought: { default: 70, min: 0, max: 100, description: 'sell when holding and RSI is above this' },
  fraction: FRACTION_PARAM,
};

function readParams(params: Record<string, number>) {
  const p = readStrategyParams(NAME, PARAMS, params);
  if (p.oversold >= p.overbought) {
    throw new InvalidStrategyParamsError(
      `strategy "${NAME}" params: oversold (${p.oversold}) must be below overbought (${p.overbought})`,
    );
  }
  return p;
}

export const rsiMeanReversionStrategy: Strategy = {
  name: NAME,
  description:
    'Buys `fraction` of equity when flat and RSI(period) < oversold; sells everything when holding and ' +
    'RSI > overbought. Confidence grows with the distance past the threshold.',
  params: PARAMS,
  validateParams(params) {
    readParams(params);
  },
  // Wilder's smoothing remembers the whole series; after five periods the start weighs under 2 %.
  history(params) {
    return readParams(params).period * RSI_HISTORY_PERIODS + 1;
  },
  decide(ctx) {
    const p = readParams(ctx.params);
    const value = rsi(numbersOf(ctx.closes), p.period);
    const indicators = { rsi: rounded(value), sizeMultiplier: ctx.sizing?.multiplier ?? 1 };
    if (value === null) {
      const why = `need ${p.period + 1} candles for RSI(${p.period}), have ${ctx.closes.length}: hold`;
      return makeDecision(NAME, 'hold', '0', 0, why, indicators);
    }
    const reading = `RSI(${p.period}) ${value.toFixed(1)}`;
    const band = p.overbought - p.oversold;
    if (isFlat(ctx)) {
      if (value < p.oversold) {
        const size = entrySize(ctx, p.fraction);
        const confidence = (p.oversold - value) / p.oversold;
        if (size.quantity.gt(0)) {
          const qty = size.quantity.toFixed();
          const why = `${reading} below ${p.oversold}: oversold, buy ${qty} (${size.note})`;
          return makeDecision(NAME, 'buy', qty, confidence, why, indicators);
        }
        return makeDecision(NAME, 'hold', '0', 0, `${reading}: oversold, but no equity to size an entry`, indicators);
      }
      // Holding confidence: how far RSI is from the trigger that would make the strategy act.
      const why = `${reading} not below ${p.oversold}: stay flat`;
      return makeDecision(NAME, 'hold', '0', clamp01((value - p.oversold) / band), why, indicators);
    }
    if (value > p.overbought) {
      const qty = heldQuantity(ctx);
      const confidence = (value - p.overbought) / (100 - p.overbought);
      return makeDecision(NAME, 'sell', qty, confidence, `${reading} above ${p.overbought}: sell ${qty}`, indicators);
    }
    const why = `${reading} not above ${p.overbought}: keep the position`;
    return makeDecision(NAME, 'hold', '0', clamp01((p.overbought - value) / band), why, indicators);
  },
};
