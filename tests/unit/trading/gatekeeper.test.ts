import { bookFill } from '../../../src/domain/fills';
import type { Fill, RiskVerdict } from '../../../src/domain/types';
import {
  DEFAULT_RISK_LIMITS,
  evaluateRisk,
  InvalidRiskLimitsError,
  initialRiskState,
  nextRiskState,
  resolveRiskLimits,
  resumeRiskState,
  RISK_RULES,
  ruleVerdicts,
} from '../../../src/trading/risk';
import { buy, HOLD, NOW, riskInput, sell } from './fixtures';

describe('the risk gatekeeper', () => {
  it('approves the quicktest milestone with default limits: BUY 0.1 @ 50,000, SELL @ 52,000, +200.00', () => {
    const quicktest = { mode: 'quicktest' as const, market: { source: 'mock' as const, ageSeconds: 0 } };
    const entry = evaluateRisk(riskInput(buy('0.1'), '50000.00', {}, quicktest));
    expect(entry).toEqual({
      approved: true,
      rule: 'all-passed',
      reason: 'every rule passed',
      order: { side: 'buy', quantity: '0.1' },
    });
    const flat = { cash: '10000.00', quantity: '0', averageCost: '0', realizedPnl: '0.00' };
    const free = { feeBps: 0, slippageBps: 0 };
    const bought = bookFill(flat, { side: 'buy', quantity: '0.1', referencePrice: '50000.00' }, free);
    if (!bought.ok) throw new Error(bought.reason);
    const book = { cash: bought.after.cash, quantity: bought.after.quantity, averageCost: bought.after.averageCost };
    const exit = evaluateRisk(riskInput(sell('0.1'), '52000.00', book, quicktest));
    expect(exit).toMatchObject({ approved: true, rule: 'all-passed', order: { side: 'sell', quantity: '0.1' } });
    const sold = bookFill(bought.after, { side: 'sell', quantity: '0.1', referencePrice: '52000.00' }, free);
    expect(sold).toMatchObject({ ok: true, realizedPnl: '200.00', after: { cash: '10200.00' } });
  });

  it('reports a hold as a normal, unapproved verdict', () => {
    expect(evaluateRisk(riskInput(HOLD, '50000'))).toEqual({
      approved: false,
      rule: 'hold',
      reason: 'strategy chose to hold',
      order: null,
    });
  });

  it('names the first rule that changed the order and lists every change', () => {
    // 0.5 BTC = 25,000: the 60 % position cap (0.12) and then the 1,000 order cap (0.02) both cut it.
    const verdict = evaluateRisk(riskInput(buy('0.5'), '50000', {}, { risk: { maxOrderNotional: 1000 } }));
    expect(verdict).toMatchObject({ approved: true, rule: 'max-order-notional', order: { quantity: '0.02' } });
    const cut = evaluateRisk(riskInput(buy('0.5'), '50000'));
    expect(cut).toMatchObject({ rule: 'max-position', order: { quantity: '0.12' } });
    const both = evaluateRisk(riskInput(buy('0.5'), '50000', {}, { risk: { maxOrderNotional: 20000 } }));
    expect(both.rule).toBe('max-order-notional');
    expect(both.reason).toMatch(/^max-order-notional: .*; max-position: /);
  });

  it("reads every rule's verdict back from a verdict: passed, resized, refused, not reached", () => {
    const names = RISK_RULES.map((r) => r.name);
    const all = ruleVerdicts(evaluateRisk(riskInput(buy('0.1'), '50000')));
    expect(all.map((v) => v.rule)).toEqual(names);
    expect(all.every((v) => v.outcome === 'passed')).toBe(true);

    const both = ruleVerdicts(evaluateRisk(riskInput(buy('0.5'), '50000', {}, { risk: { maxOrderNotional: 20000 } })));
    expect(both.filter((v) => v.outcome === 'resized').map((v) => v.rule)).toEqual([
      'max-order-notional',
      'max-position',
    ]);
    expect(both.find((v) => v.rule === 'max-position')!.reason).toMatch(/position/);

    // Bad data refuses a buy: the exits before it passed, the rules after it never ran.
    const stale = evaluateRisk(riskInput(buy('0.1'), '50000', {}, { market: { source: 'cache', ageSeconds: 86_400 } }));
    expect(stale).toMatchObject({ approved: false, rule: 'data-quality' });
    const verdicts = ruleVerdicts(stale);
    const at = names.indexOf('data-quality');
    expect(verdicts[at]).toEqual({ rule: 'data-quality', outcome: 'refused', reason: stale.reason });
    expect(verdicts.slice(0, at).every((v) => v.outcome === 'passed')).toBe(true);
    expect(verdicts.slice(at + 1).every((v) => v.outcome === 'not reached')).toBe(true);

    // A verdict journaled before `amendments` existed: its one resizing rule is the deciding rule.
    const old = ruleVerdicts({ approved: true, rule: 'max-position', reason: 'cut to the position cap' });
    expect(old.find((v) => v.outcome === 'resized')).toEqual({
      rule: 'max-position',
      outcome: 'resized',
      reason: 'cut to the position cap',
    });
  });

  it('turns a malformed decision into an invalid-order verdict, not an exception', () => {
    expect(evaluateRisk(riskInput(buy('-1'), '50000'))).toMatchObject({ approved: false, rule: 'invalid-order' });
    expect(evaluateRisk(riskInput(buy('lots'), '50000'))).toMatchObject({ approved: false, rule: 'invalid-order' });
    expect(evaluateRisk(riskInput(buy('0.000000001'), '50000'))).toMatchObject({ rule: 'invalid-order' });
  });

  it('still exits on a stop-loss when the decision is malformed', () => {
    const holding = { cash: '5000.00', quantity: '0.1', averageCost: '50000' };
    expect(evaluateRisk(riskInput(buy('oops'), '40000', holding))).toMatchObject({ approved: true, rule: 'stop-loss' });
  });

  it('refuses unknown and out-of-range overrides with the known keys', () => {
    expect(() => evaluateRisk(riskInput(HOLD, '50000', {}, { risk: { maxPosition: 0.5 } }))).toThrow(
      InvalidRiskLimitsError,
    );
    expect(() => resolveRiskLimits({ maxPosition: 0.5 })).toThrow(
      /unknown key "maxPosition"; known keys: maxPositionFraction, /,
    );
    expect(() => resolveRiskLimits({ maxPositionFraction: 1.5 })).toThrow(
      /"maxPositionFraction" must be a number above 0 to 1, got 1.5/,
    );
    expect(() => resolveRiskLimits({ stopLossCooldownMinutes: -1 })).toThrow(InvalidRiskLimitsError);
  });

  it('documents its defaults in one place', () => {
    expect(DEFAULT_RISK_LIMITS).toEqual({
      maxPositionFraction: 0.6,
      maxOrderNotional: 50_000,
      cashFloor: 0,
      stopLossFraction: 0.05,
      takeProfitFraction: 0.15,
      maxDrawdownFraction: 0.2,
      maxDailyLossFraction: 0.05,
      stopLossCooldownMinutes: 60,
      maxDataAgeSeconds: 7200,
    });
    expect(resolveRiskLimits({ cashFloor: 100 })).toEqual({ ...DEFAULT_RISK_LIMITS, cashFloor: 100 });
  });
});

describe('the risk state', () => {
  const approved = (rule: string, halt?: boolean): RiskVerdict => ({
    approved: true,
    rule,
    reason: '',
    order: { side: 'sell', quantity: '0.1' },
    ...(halt ? { halt } : {}),
  });
  const fill = (realizedPnl: string, filledAt: string): Fill => ({
    clientOrderId: 'x',
    botId: 'b',
    cycle: 1,
    symbol: 'BTC/USD',
    side: 'sell',
    quantity: '0.1',
    price: '1',
    fee: '0',
    realizedPnl,
    cashAfter: '0',
    filledAt,
  });

  it("adds the day's realized PnL and rolls over at midnight UTC", () => {
    let state = initialRiskState('10000.00', '2024-03-01T00:00:00.000Z');
    state = nextRiskState(state, {
      now: '2024-03-01T10:00:00.000Z',
      equity: '9900.00',
      verdict: approved('all-passed'),
      fill: fill('-100.00', ''),
    });
    state = nextRiskState(state, {
      now: '2024-03-01T23:59:59.999Z',
      equity: '9850.00',
      verdict: approved('all-passed'),
      fill: fill('-50.00', ''),
    });
    expect(state).toMatchObject({ day: '2024-03-01', realizedPnlToday: '-150.00', peakEquity: '10000.00' });
    state = nextRiskState(state, {
      now: '2024-03-02T00:00:00.000Z',
      equity: '9870.00',
      verdict: approved('all-passed'),
      fill: fill('20.00', ''),
    });
    expect(state).toMatchObject({ day: '2024-03-02', realizedPnlToday: '20.00' });
  });

  it('remembers a stop-loss exit, raises the peak, and halts on a halt verdict until resumed', () => {
    let state = initialRiskState('10000.00', NOW);
    state = nextRiskState(state, {
      now: NOW,
      equity: '12000.00',
      verdict: approved('stop-loss'),
      fill: fill('-1', NOW),
    });
    expect(state).toMatchObject({ lastStopLossAt: NOW, peakEquity: '12000.00', halted: false });
    const rejected: RiskVerdict = { approved: false, rule: 'max-drawdown', reason: '', order: null, halt: true };
    state = nextRiskState(state, { now: NOW, equity: '9000.00', verdict: rejected, fill: null });
    expect(state).toMatchObject({ halted: true, peakEquity: '12000.00', lastStopLossAt: NOW });
    state = nextRiskState(state, { now: NOW, equity: '9000.00', verdict: approved('all-passed'), fill: null });
    expect(state.halted).toBe(true);
    expect(resumeRiskState(state, '9000.00')).toMatchObject({ halted: false, peakEquity: '9000.00' });
  });

  it('does not note a stop-loss that was not filled', () => {
    const state = nextRiskState(initialRiskState('1.00', NOW), {
      now: NOW,
      equity: '1.00',
      verdict: approved('stop-loss'),
      fill: null,
    });
    expect(state.lastStopLossAt).toBeNull();
  });
});
