import { QUICKTEST_HISTORY, quicktestPrice, quicktestSnapshot } from '../../src/marketdata/quicktestFeed';

describe('quicktest feed', () => {
  it('scripts the first milestone: $50,000 then $52,000', () => {
    expect(quicktestPrice(1)).toBe('50000.00');
    expect(quicktestPrice(2)).toBe('52000.00');
  });

  it('is deterministic: the same cycle always sees the same market', () => {
    const a = quicktestSnapshot('BTC/USD', 17, new Date('2026-01-01T00:00:00Z'));
    const b = quicktestSnapshot('BTC/USD', 17, new Date('2026-06-01T00:00:00Z'));
    expect(a.closes).toEqual(b.closes);
    expect(a.price).toBe(b.price);
  });

  it('is flagged as synthetic data, with a full history of decimal closes ending at the cycle price', () => {
    const s = quicktestSnapshot('BTC/USD', 5, new Date('2026-01-01T00:00:00Z'));
    expect(s.source).toBe('mock');
    expect(s.closes).toHaveLength(QUICKTEST_HISTORY);
    expect(s.closes[s.closes.length - 1]).toBe(s.price);
    for (const close of s.closes) expect(close).toMatch(/^\d+\.\d{2}$/);
    // Oldest first: the close n cycles back is that cycle's scripted price.
    expect(s.closes[s.closes.length - 2]).toBe(quicktestPrice(4));
    expect(s.closes[0]).toBe(quicktestPrice(5 - QUICKTEST_HISTORY + 1));
  });

  it('carries only as many closes as asked for: the newest ones', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const full = quicktestSnapshot('BTC/USD', 9, at);
    expect(quicktestSnapshot('BTC/USD', 9, at, 1).closes).toEqual([quicktestPrice(9)]);
    expect(quicktestSnapshot('BTC/USD', 9, at, 30).closes).toEqual(full.closes.slice(-30));
    expect(quicktestSnapshot('BTC/USD', 9, at, 30).price).toBe(full.price);
  });
});
