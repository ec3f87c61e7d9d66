import { candlesFromCloses } from '../../../src/backtest/syntheticCandles';
import type { Candle } from '../../../src/domain/types';
import {
  decide,
  findStrategy,
  InvalidStrategyParamsError,
  strategyNames,
  UnknownStrategyError,
  validateStrategyConfig,
} from '../../../src/trading/strategies';
import { context, portfolio } from './fixtures';

// Crafted markets: a steady climb, a steady slide, and a flat line, each long enough for the default indicators.
const rising = (n = 40, from = 40_000) => candlesFromCloses(Array.from({ length: n }, (_, i) => from + i * 500));
const falling = (n = 40, from = 60_000) => candlesFromCloses(Array.from({ length: n }, (_, i) => from - i * 500));
const flatLine = (n = 40, at = 50_000) => candlesFromCloses(Array(n).fill(at));

const last = (candles: Candle[]) => candles[candles.length - 1].close;
const flatCtx = (candles: Candle[], extra = {}) => context({ candles, price: last(candles), ...extra });
const holdingCtx = (candles: Candle[], extra = {}) =>
  context({ candles, price: last(candles), portfolio: portfolio('5000.00', '0.1', '50000', last(candles)), ...extra });

describe('strategy registry', () => {
  it('knows the four strategies', () => {
    expect(strategyNames()).toEqual(['quicktest', 'ma-crossover', 'rsi-mean-reversion', 'sentiment-blend']);
  });

  it('refuses an unknown strategy, listing the known ones', () => {
    expect(() => findStrategy('moon')).toThrow(UnknownStrategyError);
    expect(() => findStrategy('toString')).toThrow(/unknown strategy "toString"; known: quicktest, ma-crossover/);
  });

  it('validates params at the door', () => {
    expect(() => validateStrategyConfig('ma-crossover', { fsat: 3 })).toThrow(
      /strategy "ma-crossover" params: unknown key "fsat"; known keys: fast, slow, fullScaleSpread, fraction/,
    );
    expect(() => validateStrategyConfig('ma-crossover', { fast: 30, slow: 10 })).toThrow(
      /fast \(30\) must be below slow/,
    );
    expect(() => validateStrategyConfig('ma-crossover', { fast: 2.5 })).toThrow(
      /"fast" must be an integer from 2 to 400/,
    );
    expect(() => validateStrategyConfig('rsi-mean-reversion', { oversold: 80 })).toThrow(InvalidStrategyParamsError);
    expect(() => validateStrategyConfig('sentiment-blend', { fraction: 0 })).toThrow(
      /"fraction" must be a number above 0/,
    );
    expect(() => validateStrategyConfig('quicktest', { quantity: -1 })).toThrow(InvalidStrategyParamsError);
    expect(() => validateStrategyConfig('ma-crossover', { fast: 5, slow: 20, fraction: 0.25 })).not.toThrow();
  });
});

describe('quicktest', () => {
  it('buys 0.1 when flat and sells everything when holding, at full confidence', () => {
    const entry = decide('quicktest', context({ price: '50000.00' }));
    expect(entry).toEqual({
      action: 'buy',
      quantity: '0.1',
      confidence: 1,
      rationale: 'flat: buy 0.1 BTC/USD at 50000.00',
      strategy: 'quicktest',
    });
    const exit = decide('quicktest', context({ price: '52000.00', portfolio: portfolio('5000.00', '0.1', '50000') }));
    expect(exit).toMatchObject({ action: 'sell', quantity: '0.1', confidence: 1, strategy: 'quicktest' });
  });

  it('ignores the adaptive size', () => {
    const entry = decide('quicktest', context({ sizing: { multiplier: 1.5, explanation: 'won' } }));
    expect(entry.quantity).toBe('0.1');
  });
});

describe('ma-crossover', () => {
  it('buys 40 % of equity in an uptrend when flat', () => {
    const decision = decide('ma-crossover', flatCtx(rising()));
    // 10,000 x 0.4 / 59,500 = 0.06722689... rounded down to the satoshi.
    expect(decision).toMatchObject({ action: 'buy', quantity: '0.06722689', strategy: 'ma-crossover' });
    expect(decision.confidence).toBeGreaterThan(0);
    expect(decision.confidence).toBeLessThanOrEqual(1);
    expect(decision.indicators).toMatchObject({ fastSma: 57_250, slowSma: 52_250, sizeMultiplier: 1 });
    expect(decision.rationale).toContain('SMA(10) 57250.00 above SMA(30) 52250.00: uptrend');
  });

  it('sells the whole position when the trend turns down', () => {
    expect(decide('ma-crossover', holdingCtx(falling()))).toMatchObject({ action: 'sell', quantity: '0.1' });
  });

  it('holds when flat in a downtrend, when long in an uptrend, and without enough history', () => {
    expect(decide('ma-crossover', flatCtx(falling())).action).toBe('hold');
    expect(decide('ma-crossover', holdingCtx(rising())).action).toBe('hold');
    expect(decide('ma-crossover', flatCtx(flatLine())).action).toBe('hold');
    const early = decide('ma-crossover', flatCtx(rising(29)));
    expect(early).toMatchObject({ action: 'hold', quantity: '0', confidence: 0 });
    expect(early.rationale).toContain('need 30 candles');
  });

  it('applies the adaptive size multiplier and says why', () => {
    const sizing = { multiplier: 1.5, explanation: 'won 10 of last 10 round trips: size x1.5' };
    const decision = decide('ma-crossover', flatCtx(rising(), { sizing }));
    // 10,000 x 0.4 x 1.5 / 59,500 = 0.10084033...
    expect(decision).toMatchObject({ action: 'buy', quantity: '0.10084033' });
    expect(decision.rationale).toContain('won 10 of last 10 round trips: size x1.5');
    expect(decision.indicators?.sizeMultiplier).toBe(1.5);
  });

  it('uses its params', () => {
    const decision = decide('ma-crossover', flatCtx(rising(12), { params: { fast: 3, slow: 12, fraction: 0.1 } }));
    expect(decision.action).toBe('buy');
    expect(decision.rationale).toContain('SMA(3)');
  });
});

describe('rsi-mean-reversion', () => {
  it('buys a sell-off when flat', () => {
    const decision = decide('rsi-mean-reversion', flatCtx(falling(20)));
    expect(decision).toMatchObject({ action: 'buy', confidence: 1, indicators: { rsi: 0 } });
  });

  it('sells a rally when holding', () => {
    expect(decide('rsi-mean-reversion', holdingCtx(rising(20)))).toMatchObject({ action: 'sell', quantity: '0.1' });
  });

  it('holds in between, and when flat in a rally or long in a sell-off', () => {
    const choppy = candlesFromCloses(Array.from({ length: 30 }, (_, i) => 50_000 + (i % 2 === 0 ? 300 : -300)));
    expect(decide('rsi-mean-reversion', flatCtx(choppy)).action).toBe('hold');
    expect(decide('rsi-mean-reversion', holdingCtx(choppy)).action).toBe('hold');
    expect(decide('rsi-mean-reversion', flatCtx(rising(20))).action).toBe('hold');
    expect(decide('rsi-mean-reversion', holdingCtx(falling(20))).action).toBe('hold');
    expect(decide('rsi-mean-reversion', flatCtx(falling(14)))).toMatchObject({ action: 'hold', confidence: 0 });
  });
});

describe('sentiment-blend', () => {
  const bullish = { score: 1, articles: 12, label: 'Bullish' };
  const bearish = { score: -1, articles: 12, label: 'Bearish' };

  it('buys a strong trend without news (neutral), at the trend weight', () => {
    const decision = decide('sentiment-blend', flatCtx(rising()));
    // trend score 1 (spread 9.6 % > 5 %), no sentiment: blend = 0.6 x 1 + 0.4 x 0.
    expect(decision).toMatchObject({
      action: 'buy',
      confidence: 0.6,
      indicators: { blendedScore: 0.6, sentimentScore: null },
    });
  });

  it('lets bullish news carry a flat market into an entry and bearish news take a position off', () => {
    expect(decide('sentiment-blend', flatCtx(flatLine(), { sentiment: bullish }))).toMatchObject({
      action: 'buy',
      indicators: { trendScore: 0, sentimentScore: 1, blendedScore: 0.4 },
    });
    expect(decide('sentiment-blend', holdingCtx(flatLine(), { sentiment: bearish }))).toMatchObject({
      action: 'sell',
      quantity: '0.1',
    });
  });

  it('holds a flat market without news, and lets bearish news veto a strong trend', () => {
    expect(decide('sentiment-blend', flatCtx(flatLine())).action).toBe('hold');
    // 0.6 x 1 + 0.4 x -1 = 0.2: at the threshold, so it buys; with sentimentWeight 0.5 it is 0.
    expect(decide('sentiment-blend', flatCtx(rising(), { sentiment: bearish })).action).toBe('buy');
    const vetoed = decide(
      'sentiment-blend',
      flatCtx(rising(), { sentiment: bearish, params: { sentimentWeight: 0.5 } }),
    );
    expect(vetoed).toMatchObject({ action: 'hold', indicators: { blendedScore: 0 } });
  });

  it('treats sentiment with no articles as neutral', () => {
    const empty = { score: 0.9, articles: 0, label: 'Bullish' };
    expect(decide('sentiment-blend', flatCtx(flatLine(), { sentiment: empty })).action).toBe('hold');
  });
});
