import { QUICKTEST_HISTORY, quicktestPrice, quicktestSnapshot } from '../../src/marketdata/quicktestFeed';

describe('quicktest feed', () => {
  it('scripts the first milestone: $50,000 then $52,000', () => {
    expect(quicktestPrice(1)).toBe('50000.00');
    expect(quicktestPrice(2)).toBe('52000.00');
  });

  it('is deterministic: the same cycle always sees the same market', () => {
    const a = quicktestSnapshot('BTC/USD', 17, new Date('2026-01-01T00:00:00Z'));
    const b = quicktestSnapshot('BTC/USD', 17, new Date('2026-06-01T00:00:00Z'));
    expect(a.candles).toEqual(b.candles);
    expect(a.price).toBe(b.price);
  });

  it('is flagged as synthetic data, with a full candle history ending at the cycle price', () => {
    const s = quicktestSnapshot('BTC/USD', 5, new Date('2026-01-01T00:00:00Z'));
    expect(s.source).toBe('mock');
    expect(s.candles).toHaveLength(QUICKTEST_HISTORY);
    expect(s.candles[s.candles.length - 1].close).toBe(s.price);
    const times = s.candles.map((c) => Date.parse(c.time));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });
});
