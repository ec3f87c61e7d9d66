import type { DecimalString } from '../../../src/domain/types';
import {
  decide,
  findStrategy,
  historyOf,
  InvalidStrategyParamsError,
  strategyNames,
  UnknownStrategyError,
  validateStrategyConfig,
} from '../../../src/trading/strategies';
import { context, portfolio } from './fixtures';

// Crafted markets: a steady climb, a steady slide, and a flat line, each long enough for the default indicators.
const series = (values: number[]): DecimalString[] => values.map((v) => v.toFixed(2));
const rising = (n = 40, from = 40_000) => series(Array.from({ length: n }, (_, i) => from + i * 500));
const falling = (n = 40, from = 60_000) => series(Array.from({ length: n }, (_, i) => from - i * 500));
const flatLine = (n = 40, at = 50_000) => series(Array<number>(n).fill(at));

const last = (closes: DecimalString[]) => closes[closes.length - 1];
const flatCtx = (closes: DecimalString[], extra = {}) => context({ closes, price: last(closes), ...extra });
const holdingCtx = (closes: DecimalString[], extra = {}) =>
  context({ closes, price: last(closes), portfolio: portfolio('5000.00', '0.1', '50000', last(closes)), ...extra });

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
    const choppy = series(Array.from({ length: 30 }, (_, i) => 50_000 + (i % 2 === 0 ? 300 : -300)));
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

describe('history: how many closes each strategy reads', () => {
  it('quicktest reads only the current price', () => {
    expect(findStrategy('quicktest').history({})).toBe(1);
    expect(findStrategy('quicktest').history({ quantity: 0.5 })).toBe(1);
  });

  it('the trend strategies read their slow average', () => {
    expect(findStrategy('ma-crossover').history({})).toBe(30);
    expect(findStrategy('ma-crossover').history({ fast: 5, slow: 50 })).toBe(50);
    expect(findStrategy('sentiment-blend').history({})).toBe(30);
    expect(findStrategy('sentiment-blend').history({ fast: 20, slow: 200 })).toBe(200);
  });

  it('rsi-mean-reversion reads five periods and one close, for Wilder smoothing to settle', () => {
    expect(findStrategy('rsi-mean-reversion').history({})).toBe(71);
    expect(findStrategy('rsi-mean-reversion').history({ period: 10 })).toBe(51);
    expect(findStrategy('rsi-mean-reversion').history({ period: 200 })).toBe(1001);
  });

  it('historyOf answers for a bot strategy config, and refuses what validation refuses', () => {
    for (const name of strategyNames()) expect(historyOf({ name, params: {} })).toBe(findStrategy(name).history({}));
    expect(historyOf({ name: 'ma-crossover', params: { fast: 3, slow: 12 } })).toBe(12);
    expect(() => historyOf({ name: 'moon', params: {} })).toThrow(UnknownStrategyError);
    expect(() => historyOf({ name: 'ma-crossover', params: { fast: 30, slow: 10 } })).toThrow(
      InvalidStrategyParamsError,
    );
  });

  it('a trend strategy decides the same on exactly its history as on a longer series', () => {
    for (const name of ['ma-crossover', 'sentiment-blend']) {
      for (const closes of [rising(80), falling(80), flatLine(80)]) {
        const n = historyOf({ name, params: {} });
        const full = decide(name, flatCtx(closes));
        const trimmed = decide(name, flatCtx(closes.slice(-n)));
        expect(trimmed).toEqual(full);
        expect(decide(name, flatCtx(closes.slice(-(n - 1)))).rationale).toContain(`need ${n} candles`);
      }
    }
  });

  it('rsi-mean-reversion has an RSI on exactly its history', () => {
    const n = historyOf({ name: 'rsi-mean-reversion', params: {} });
    const decision = decide('rsi-mean-reversion', flatCtx(falling(n, 90_000)));
    expect(decision).toMatchObject({ action: 'buy', indicators: { rsi: 0 } });
  });
});
