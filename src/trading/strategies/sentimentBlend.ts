import type { NewsSentiment } from '../../domain/types';
import { rounded } from '../indicators';
import { makeDecision } from './decision';
import { FRACTION_PARAM, InvalidStrategyParamsError, readStrategyParams } from './params';
import { entrySize, heldQuantity, isFlat } from './sizing';
import { TREND_PARAMS, trendIndicators, trendOf } from './trend';
import type { Strategy } from './types';

// The moving-average trend, weighed by news: blended = (1 - w) x trendScore + w x sentiment, both in -1 .. 1.
// No sentiment (null, or no articles) counts as neutral, 0: the trend alone then has to clear the bar, at its
// (1 - w) weight, so a bot without news trades less, not differently.

const NAME = 'sentiment-blend';
const PARAMS = {
  ...TREND_PARAMS,
  fraction: FRACTION_PARAM,
  sentimentWeight: { default: 0.4, min: 0, max: 1, description: 'w: the weight of news sentiment in the blend' },
  entryThreshold: { default: 0.2, min: 0, max: 1, description: 'buy when flat and the blended score is at least this' },
  exitThreshold: {
    default: 0.1,
    min: 0,
    max: 1,
    description: 'sell when holding and the blended score is at most minus this',
  },
};

function readParams(params: Record<string, number>) {
  const p = readStrategyParams(NAME, PARAMS, params);
  if (p.fast >= p.slow) {
    throw new InvalidStrategyParamsError(`strategy "${NAME}" params: fast (${p.fast}) must be below slow (${p.slow})`);
  }
  return p;
}

/** The sentiment score in -1 .. 1, or 0 when there is none to trust. */
export function sentimentScore(sentiment: NewsSentiment | null): number {
  if (!sentiment || sentiment.articles <= 0 || !Number.isFinite(sentiment.score)) return 0;
  return Math.max(-1, Math.min(1, sentiment.score));
}

export const sentimentBlendStrategy: Strategy = {
  name: NAME,
  description:
    'Blends the SMA trend score with news sentiment: (1 - sentimentWeight) x trend + sentimentWeight x ' +
    'sentiment. Buys when flat and the blend >= entryThreshold; sells when holding and it is <= -exitThreshold.',
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
    const news = sentimentScore(ctx.sentiment);
    const newsText = ctx.sentiment
      ? `sentiment ${news.toFixed(3)} (${ctx.sentiment.label}, ${ctx.sentiment.articles} articles)`
      : 'no sentiment (neutral)';
    const base = {
      ...trendIndicators(trend),
      sentimentScore: ctx.sentiment ? rounded(news) : null,
      sizeMultiplier: ctx.sizing?.multiplier ?? 1,
    };
    if (!trend) {
      const why = `need ${p.slow} candles for SMA(${p.slow}), have ${ctx.closes.length}: hold`;
      return makeDecision(NAME, 'hold', '0', 0, why, { ...base, blendedScore: null });
    }
    // Rounded so float noise cannot decide a threshold: 0.6 x 1 + 0.4 x -1 is 0.2, not 0.19999999999999996.
    const blended = rounded((1 - p.sentimentWeight) * trend.score + p.sentimentWeight * news, 6) ?? 0;
    const indicators = { ...base, blendedScore: rounded(blended) };
    const reading = `trend ${trend.score.toFixed(3)}, ${newsText}: blend ${blended.toFixed(3)}`;
    const confidence = Math.abs(blended);
    if (isFlat(ctx)) {
      if (blended >= p.entryThreshold) {
        const size = entrySize(ctx, p.fraction);
        if (size.quantity.gt(0)) {
          const qty = size.quantity.toFixed();
          const why = `${reading} >= ${p.entryThreshold}: buy ${qty} (${size.note})`;
          return makeDecision(NAME, 'buy', qty, confidence, why, indicators);
        }
        return makeDecision(NAME, 'hold', '0', 0, `${reading}: bullish, but no equity to size an entry`, indicators);
      }
      return makeDecision(NAME, 'hold', '0', confidence, `${reading} < ${p.entryThreshold}: stay flat`, indicators);
    }
    if (blended <= -p.exitThreshold) {
      const qty = heldQuantity(ctx);
      return makeDecision(NAME, 'sell', qty, confidence, `${reading} <= -${p.exitThreshold}: sell ${qty}`, indicators);
    }
    return makeDecision(
      NAME,
      'hold',
      '0',
      confidence,
      `${reading} > -${p.exitThreshold}: keep the position`,
      indicators,
    );
  },
};
