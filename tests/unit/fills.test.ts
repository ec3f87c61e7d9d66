import { bookFill, equityOf, markPortfolio } from '../../src/domain/fills';

const flat = { cash: '10000.00', quantity: '0', averageCost: '0', realizedPnl: '0.00' };
const free = { feeBps: 0, slippageBps: 0 };

describe('bookFill', () => {
  it('reproduces the first milestone: buy 0.1 @ 50,000, sell @ 52,000, +200.00', () => {
    const buy = bookFill(flat, { side: 'buy', quantity: '0.1', referencePrice: '50000' }, free);
    if (!buy.ok) throw new Error(buy.reason);
    expect(buy.after).toEqual({ cash: '5000.00', quantity: '0.1', averageCost: '50000', realizedPnl: '0.00' });
    const sell = bookFill(buy.after, { side: 'sell', quantity: '0.1', referencePrice: '52000' }, free);
    if (!sell.ok) throw new Error(sell.reason);
    expect(sell.realizedPnl).toBe('200.00');
    expect(sell.after.cash).toBe('10200.00');
    expect(sell.after.quantity).toBe('0');
  });

  it('charges fee and slippage against the trader', () => {
    const buy = bookFill(
      flat,
      { side: 'buy', quantity: '0.1', referencePrice: '50000' },
      { feeBps: 10, slippageBps: 5 },
    );
    if (!buy.ok) throw new Error(buy.reason);
    expect(buy.price).toBe('50025');
    expect(buy.notional).toBe('5002.50');
    expect(buy.fee).toBe('5.0025');
    expect(buy.after.cash).toBe('4992.4975');
    const sell = bookFill(
      buy.after,
      { side: 'sell', quantity: '0.1', referencePrice: '52000' },
      { feeBps: 10, slippageBps: 5 },
    );
    if (!sell.ok) throw new Error(sell.reason);
    expect(sell.price).toBe('51974');
    // (51974 - 50025) * 0.1 - 5.1974
    expect(sell.realizedPnl).toBe('189.7026');
  });

  it('refuses an overdraft and a sale of what is not held', () => {
    const big = bookFill(flat, { side: 'buy', quantity: '1', referencePrice: '50000' }, free);
    expect(big).toEqual({ ok: false, reason: expect.stringContaining('insufficient cash') });
    const short = bookFill(flat, { side: 'sell', quantity: '0.1', referencePrice: '50000' }, free);
    expect(short).toEqual({ ok: false, reason: expect.stringContaining('only 0 held') });
  });

  it('rejects garbage quantities and prices', () => {
    expect(bookFill(flat, { side: 'buy', quantity: '0', referencePrice: '1' }, free).ok).toBe(false);
    expect(bookFill(flat, { side: 'buy', quantity: '1', referencePrice: '-5' }, free).ok).toBe(false);
  });

  it('values equity at the mark price', () => {
    expect(equityOf('5000.00', '0.1', '51000')).toBe('10100.00');
    expect(equityOf('5000.00', '0', null)).toBe('5000.00');
  });
});

describe('markPortfolio', () => {
  it("revalues the ledger's portfolio at another price: only equity and the mark move", () => {
    const seen = {
      cash: '5000.00',
      equity: '10000.00',
      realizedPnl: '12.50',
      position: { symbol: 'BTC/USD', quantity: '0.1', averageCost: '50000' },
      markPrice: '50000',
    };
    expect(markPortfolio(seen, '52000.00')).toEqual({ ...seen, equity: '10200.00', markPrice: '52000.00' });
    expect(markPortfolio({ ...seen, position: { ...seen.position, quantity: '0' }, equity: '5000.00' }, '1')).toEqual(
      expect.objectContaining({ equity: '5000.00', markPrice: '1' }),
    );
    expect(seen.equity).toBe('10000.00');
  });
});
