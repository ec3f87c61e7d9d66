import { bookFill } from '../../../src/domain/fills';
import { dec } from '../../../src/domain/money';
import { evaluateRisk } from '../../../src/trading/risk';
import { buy, HOLD, NOW, riskInput, sell } from './fixtures';

// Each rule at its limit and one step either side. Unless a test says otherwise: live mode, no fees, $10,000 flat.

const minutesBefore = (minutes: number, seconds = 0) =>
  new Date(Date.parse(NOW) - minutes * 60_000 - seconds * 1000).toISOString();

describe('max-position (default 60 % of equity)', () => {
  it('approves a buy that takes the position exactly to the limit', () => {
    const verdict = evaluateRisk(riskInput(buy('0.12'), '50000')); // 6,000 of 10,000
    expect(verdict).toMatchObject({ approved: true, rule: 'all-passed', order: { side: 'buy', quantity: '0.12' } });
  });

  it('resizes a buy one satoshi over the limit down to it', () => {
    const verdict = evaluateRisk(riskInput(buy('0.12000001'), '50000'));
    expect(verdict).toMatchObject({ approved: true, rule: 'max-position', order: { quantity: '0.12' } });
    expect(verdict.reason).toContain('position limit 6000.00');
  });

  it('counts the position already held', () => {
    // 0.1 held at 50,000 on 10,000 equity (5,000 cash): room for 0.02 more.
    const verdict = evaluateRisk(
      riskInput(buy('0.1'), '50000', { cash: '5000.00', quantity: '0.1', averageCost: '50000' }),
    );
    expect(verdict).toMatchObject({ approved: true, rule: 'max-position', order: { quantity: '0.02' } });
  });

  it('rejects a buy when the position is already at the limit', () => {
    const verdict = evaluateRisk(
      riskInput(buy('0.01'), '50000', { cash: '4000.00', quantity: '0.12', averageCost: '50000' }),
    );
    expect(verdict).toMatchObject({ approved: false, rule: 'max-position', order: null });
  });

  it('takes a per-bot override', () => {
    const verdict = evaluateRisk(riskInput(buy('0.1'), '50000', {}, { risk: { maxPositionFraction: 0.25 } }));
    expect(verdict).toMatchObject({ approved: true, rule: 'max-position', order: { quantity: '0.05' } });
  });
});

describe('max-order-notional (default 50,000)', () => {
  const rich = { cash: '1000000.00' };
  it('approves an order of exactly the limit and resizes one just over it', () => {
    expect(evaluateRisk(riskInput(buy('1'), '50000', rich))).toMatchObject({ approved: true, rule: 'all-passed' });
    expect(evaluateRisk(riskInput(buy('1.00000001'), '50000', rich))).toMatchObject({
      approved: true,
      rule: 'max-order-notional',
      order: { quantity: '1' },
    });
  });

  it('takes an override', () => {
    const verdict = evaluateRisk(riskInput(buy('0.1'), '50000', {}, { risk: { maxOrderNotional: 1000 } }));
    expect(verdict).toMatchObject({ approved: true, rule: 'max-order-notional', order: { quantity: '0.02' } });
  });
});

describe('cash-floor (default 0: no overdraft)', () => {
  const costs = { feeBps: 10, slippageBps: 5 };
  const loose = { maxPositionFraction: 1 };

  it('resizes a buy that would overdraft to the most the cash pays for, fees included', () => {
    const verdict = evaluateRisk(riskInput(buy('0.2'), '50000', {}, { costs, risk: loose }));
    expect(verdict).toMatchObject({ approved: true, rule: 'cash-floor' });
    const quantity = verdict.order!.quantity;
    const flat = { cash: '10000.00', quantity: '0', averageCost: '0', realizedPnl: '0.00' };
    const fill = bookFill(flat, { side: 'buy', quantity, referencePrice: '50000' }, costs);
    expect(fill.ok).toBe(true);
    const oneMore = dec(quantity).plus('0.00000001').toFixed();
    expect(bookFill(flat, { side: 'buy', quantity: oneMore, referencePrice: '50000' }, costs).ok).toBe(false);
  });

  it('keeps a configured floor', () => {
    const verdict = evaluateRisk(riskInput(buy('0.2'), '50000', {}, { risk: { ...loose, cashFloor: 2500 } }));
    expect(verdict).toMatchObject({ approved: true, rule: 'cash-floor', order: { quantity: '0.15' } });
    const exact = evaluateRisk(riskInput(buy('0.15'), '50000', {}, { risk: { ...loose, cashFloor: 2500 } }));
    expect(exact).toMatchObject({ approved: true, rule: 'all-passed' });
  });

  it('rejects a buy when cash is at the floor', () => {
    const verdict = evaluateRisk(
      riskInput(
        buy('0.01'),
        '50000',
        { cash: '100.00', quantity: '0.1', averageCost: '50000' },
        { risk: { cashFloor: 100, maxPositionFraction: 1 } },
      ),
    );
    expect(verdict).toMatchObject({ approved: false, rule: 'cash-floor' });
  });
});

describe('stop-loss (default 5 % under average cost)', () => {
  const holding = { cash: '5000.00', quantity: '0.1', averageCost: '50000' };

  it('leaves a position one cent above the stop alone', () => {
    expect(evaluateRisk(riskInput(HOLD, '47500.01', holding))).toMatchObject({ approved: false, rule: 'hold' });
  });

  it('turns a hold into a sell of everything at the stop', () => {
    const verdict = evaluateRisk(riskInput(HOLD, '47500', holding));
    expect(verdict).toMatchObject({ approved: true, rule: 'stop-loss', order: { side: 'sell', quantity: '0.1' } });
  });

  it('overrides a buy below the stop', () => {
    const verdict = evaluateRisk(riskInput(buy('0.01'), '40000', holding));
    expect(verdict).toMatchObject({ approved: true, rule: 'stop-loss', order: { side: 'sell', quantity: '0.1' } });
  });

  it('is off at 0', () => {
    expect(evaluateRisk(riskInput(HOLD, '10000', holding, { risk: { stopLossFraction: 0 } })).rule).toBe('hold');
  });
});

describe('take-profit (default 15 % over average cost)', () => {
  const holding = { cash: '5000.00', quantity: '0.1', averageCost: '50000' };
  it('exits at the target, not a cent before', () => {
    expect(evaluateRisk(riskInput(HOLD, '57499.99', holding)).rule).toBe('hold');
    expect(evaluateRisk(riskInput(HOLD, '57500', holding))).toMatchObject({
      approved: true,
      rule: 'take-profit',
      order: { side: 'sell', quantity: '0.1' },
    });
  });
});

describe('max-drawdown (default 20 % below peak): the halt', () => {
  it('lets entries through one cent short of the limit', () => {
    const verdict = evaluateRisk(
      riskInput(buy('0.01'), '50000', { cash: '8000.01' }, { state: { peakEquity: '10000.00' } }),
    );
    expect(verdict).toMatchObject({ approved: true, rule: 'all-passed' });
    expect(verdict.halt).toBeUndefined();
  });

  it('halts at the limit: entries and holds are refused with halt = true', () => {
    const state = { peakEquity: '10000.00' };
    const entry = evaluateRisk(riskInput(buy('0.01'), '50000', { cash: '8000.00' }, { state }));
    expect(entry).toMatchObject({ approved: false, rule: 'max-drawdown', halt: true, order: null });
    expect(entry.reason).toContain('20% below its peak 10000.00');
    expect(evaluateRisk(riskInput(HOLD, '50000', { cash: '8000.00' }, { state }))).toMatchObject({
      approved: false,
      rule: 'max-drawdown',
      halt: true,
    });
  });

  it('lets exits through while halted, and keeps the halt', () => {
    const holding = { cash: '3000.00', quantity: '0.1', averageCost: '50000' };
    const verdict = evaluateRisk(riskInput(sell('0.1'), '49000', holding, { state: { halted: true } }));
    expect(verdict).toMatchObject({ approved: true, rule: 'all-passed', halt: true, order: { side: 'sell' } });
  });

  it('stays halted after equity recovers, until the caller clears the flag', () => {
    const verdict = evaluateRisk(riskInput(buy('0.01'), '50000', {}, { state: { halted: true } }));
    expect(verdict).toMatchObject({ approved: false, rule: 'max-drawdown', halt: true });
    expect(verdict.reason).toContain('until an operator resumes');
  });
});

describe('daily-loss-limit (default 5 % of equity realized today)', () => {
  const today = { day: NOW.slice(0, 10) };
  it('allows entries one cent short of the limit and blocks them at it', () => {
    const under = evaluateRisk(
      riskInput(buy('0.01'), '50000', {}, { state: { ...today, realizedPnlToday: '-499.99' } }),
    );
    expect(under.approved).toBe(true);
    const at = evaluateRisk(riskInput(buy('0.01'), '50000', {}, { state: { ...today, realizedPnlToday: '-500.00' } }));
    expect(at).toMatchObject({ approved: false, rule: 'daily-loss-limit' });
  });

  it("forgets yesterday's losses", () => {
    const state = { day: '2024-02-29', realizedPnlToday: '-5000.00' };
    expect(evaluateRisk(riskInput(buy('0.01'), '50000', {}, { state })).approved).toBe(true);
  });

  it('never blocks an exit', () => {
    const holding = { cash: '5000.00', quantity: '0.1', averageCost: '50000' };
    const verdict = evaluateRisk(
      riskInput(sell('0.1'), '49000', holding, { state: { ...today, realizedPnlToday: '-900' } }),
    );
    expect(verdict).toMatchObject({ approved: true, rule: 'all-passed' });
  });
});

describe('stop-loss-cooldown (default 60 minutes)', () => {
  it('blocks entries for the cooldown and allows them from its end', () => {
    const early = evaluateRisk(
      riskInput(buy('0.01'), '50000', {}, { state: { lastStopLossAt: minutesBefore(59, 59) } }),
    );
    expect(early).toMatchObject({ approved: false, rule: 'stop-loss-cooldown' });
    const done = evaluateRisk(riskInput(buy('0.01'), '50000', {}, { state: { lastStopLossAt: minutesBefore(60) } }));
    expect(done.approved).toBe(true);
  });

  it('never blocks an exit', () => {
    const holding = { cash: '5000.00', quantity: '0.1', averageCost: '50000' };
    const verdict = evaluateRisk(
      riskInput(sell('0.1'), '49000', holding, { state: { lastStopLossAt: minutesBefore(1) } }),
    );
    expect(verdict.approved).toBe(true);
  });
});

describe('data-quality (mock data or older than 7,200 s)', () => {
  it('blocks entries on mock data outside quicktest, allows them in quicktest', () => {
    const mock = { source: 'mock' as const, ageSeconds: 0 };
    expect(evaluateRisk(riskInput(buy('0.01'), '50000', {}, { market: mock }))).toMatchObject({
      approved: false,
      rule: 'data-quality',
    });
    expect(evaluateRisk(riskInput(buy('0.01'), '50000', {}, { market: mock, mode: 'quicktest' })).approved).toBe(true);
  });

  it('allows data exactly at the age limit and blocks a second older', () => {
    const at = evaluateRisk(riskInput(buy('0.01'), '50000', {}, { market: { source: 'cache', ageSeconds: 7200 } }));
    expect(at.approved).toBe(true);
    const over = evaluateRisk(riskInput(buy('0.01'), '50000', {}, { market: { source: 'cache', ageSeconds: 7201 } }));
    expect(over).toMatchObject({ approved: false, rule: 'data-quality' });
  });

  it('never blocks an exit', () => {
    const holding = { cash: '5000.00', quantity: '0.1', averageCost: '50000' };
    const stale = { source: 'mock' as const, ageSeconds: 100_000 };
    expect(evaluateRisk(riskInput(sell('0.1'), '50000', holding, { market: stale })).approved).toBe(true);
  });
});

describe('no-short', () => {
  it('cuts a sell to the position and refuses a sell of nothing', () => {
    const holding = { cash: '5000.00', quantity: '0.1', averageCost: '50000' };
    expect(evaluateRisk(riskInput(sell('0.3'), '50000', holding))).toMatchObject({
      approved: true,
      rule: 'no-short',
      order: { side: 'sell', quantity: '0.1' },
    });
    expect(evaluateRisk(riskInput(sell('0.1'), '50000'))).toMatchObject({ approved: false, rule: 'no-short' });
  });
});
