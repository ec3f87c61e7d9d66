import { BacktestInputError, runBacktest, type BacktestConfig } from '../../../src/backtest/engine';
import { resultChart } from '../../../src/backtest/report';
import { backtestResult } from '../../../src/backtest/result';
import { candlesFromCloses, syntheticCandles } from '../../../src/backtest/syntheticCandles';
import { dec, CASH_DP } from '../../../src/domain/money';
import { historyOf } from '../../../src/trading/strategies';

const base: BacktestConfig = {
  strategy: 'ma-crossover',
  params: {},
  risk: {},
  costs: { feeBps: 10, slippageBps: 5 },
  startingCash: '10000.00',
  symbol: 'BTC/USD',
  historyWindow: 250,
  adaptiveSizing: true,
};

describe('the backtester', () => {
  it('reproduces the quicktest milestone through the live decision path: +$200.00', () => {
    const run = runBacktest(candlesFromCloses([50_000, 52_000]), {
      ...base,
      strategy: 'quicktest',
      costs: { feeBps: 0, slippageBps: 0 },
    });
    expect(run.trades.map((t) => [t.side, t.quantity, t.price, t.realizedPnl, t.rule])).toEqual([
      ['buy', '0.1', '50000', '0.00', 'all-passed'],
      ['sell', '0.1', '52000', '200.00', 'all-passed'],
    ]);
    expect(run.final).toMatchObject({ cash: '10200.00', quantity: '0', equity: '10200.00' });
  });

  it('is deterministic: two runs give byte-identical result files and charts', () => {
    const candles = syntheticCandles({ seed: 42, count: 800, drift: 0.0005, volatility: 0.03 });
    for (const strategy of ['ma-crossover', 'rsi-mean-reversion', 'sentiment-blend']) {
      const first = backtestResult(runBacktest(candles, { ...base, strategy }));
      const second = backtestResult(runBacktest(structuredClone(candles), { ...base, strategy }));
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      expect(resultChart(second)).toBe(resultChart(first));
      expect(first.metrics.trades).toBeGreaterThan(0);
    }
  });

  it('keeps cash exact after more than 1,000 round trips: cash = start + sells - buys - fees, to the last decimal', () => {
    const candles = syntheticCandles({ seed: 9, count: 2_100, volatility: 0.01, startPrice: 20_000 });
    // Quicktest trades every candle; wide limits keep the drawdown halt and the stops out of the way.
    const risk = { maxDrawdownFraction: 1, maxDailyLossFraction: 1, stopLossFraction: 0, takeProfitFraction: 0 };
    const run = runBacktest(candles, { ...base, strategy: 'quicktest', risk });
    const result = backtestResult(run);
    expect(result.metrics.trades).toBeGreaterThanOrEqual(1_000);

    let cash = dec(base.startingCash);
    let held = dec(0);
    for (const t of run.trades) {
      expect(dec(t.notional).eq(dec(t.price).mul(t.quantity).toDecimalPlaces(CASH_DP))).toBe(true);
      cash = t.side === 'buy' ? cash.minus(t.notional).minus(t.fee) : cash.plus(t.notional).minus(t.fee);
      held = t.side === 'buy' ? held.plus(t.quantity) : held.minus(t.quantity);
      expect(dec(t.cashAfter).eq(cash)).toBe(true);
    }
    expect(dec(run.final.cash).eq(cash)).toBe(true);
    expect(dec(run.final.quantity).eq(held)).toBe(true);
    expect(dec(run.final.cash).decimalPlaces()).toBeLessThanOrEqual(CASH_DP);
    // Flat at the end: equity is the cash, and realized PnL explains it to the cent.
    const realized = run.trades.reduce((sum, t) => sum.plus(t.realizedPnl), dec(0));
    expect(held.isZero()).toBe(true);
    expect(dec(run.final.equity).eq(cash)).toBe(true);
    expect(dec(base.startingCash).plus(realized).toFixed(2)).toBe(cash.toFixed(2));
    expect(result.metrics.fees).toBe(run.trades.reduce((sum, t) => sum.plus(t.fee), dec(0)).toFixed());
  });

  it('trades only between --from and --to, warming the indicators up on earlier candles', () => {
    const candles = syntheticCandles({ seed: 5, count: 200 });
    const run = runBacktest(candles, { ...base, from: '2020-03-01', to: '2020-04-30' });
    const result = backtestResult(run);
    expect(result.period).toMatchObject({ from: '2020-03-01', to: '2020-04-30', candles: 61, warmupCandles: 60 });
    expect(run.trades.every((t) => t.filledAt >= '2020-03-01' && t.filledAt <= '2020-05-01')).toBe(true);
    // With 60 candles of warm-up the 30-candle average exists from the first traded day.
    expect(run.journal[0].cycle).toBe(1);
    expect(() => runBacktest(candles, { ...base, from: '2030-01-01' })).toThrow(BacktestInputError);
  });

  it('halts for good after a max-drawdown breach: nobody resumes a backtest', () => {
    const crash = candlesFromCloses([
      ...Array.from({ length: 40 }, (_, i) => 10_000 + i * 100),
      ...Array.from({ length: 6 }, (_, i) => 12_400 - i * 1_500),
      ...Array.from({ length: 60 }, (_, i) => 4_900 + i * 200),
    ]);
    const run = runBacktest(crash, {
      ...base,
      params: { fast: 2, slow: 3, fraction: 1 },
      risk: { maxPositionFraction: 1, stopLossFraction: 0, takeProfitFraction: 0, maxDrawdownFraction: 0.1 },
    });
    expect(run.haltedAt).not.toBeNull();
    expect(run.trades.filter((t) => t.side === 'buy' && t.filledAt > run.haltedAt!)).toEqual([]);
    expect(run.verdicts['max-drawdown']).toBeGreaterThan(0);
  });

  it('refuses bad params and limits before the first cycle', () => {
    const candles = syntheticCandles({ seed: 1, count: 10 });
    expect(() => runBacktest(candles, { ...base, params: { fast: 50, slow: 20 } })).toThrow(
      /fast \(50\) must be below/,
    );
    expect(() => runBacktest(candles, { ...base, risk: { nope: 1 } })).toThrow(/unknown key "nope"/);
    expect(() => runBacktest(candles, { ...base, strategy: 'nope' })).toThrow(/unknown strategy/);
  });

  it("sees by default as many closes as the strategy's history, exactly what a live cycle passes it", () => {
    const candles = syntheticCandles({ seed: 3, count: 300 });
    const { historyWindow: _window, ...defaults } = base;
    const cases: [string, Record<string, number>][] = [
      ['quicktest', {}],
      ['ma-crossover', {}],
      ['ma-crossover', { fast: 5, slow: 50 }],
      ['rsi-mean-reversion', {}],
      ['rsi-mean-reversion', { period: 10 }],
      ['sentiment-blend', {}],
    ];
    for (const [strategy, params] of cases) {
      const run = runBacktest(candles, { ...defaults, strategy, params });
      expect(run.historyWindow).toBe(historyOf({ name: strategy, params }));
      expect(backtestResult(run).period.historyWindow).toBe(run.historyWindow);
    }
    // An explicit window still wins.
    expect(runBacktest(candles, { ...defaults, historyWindow: 250 }).historyWindow).toBe(250);
  });

  it('decides the same on the default window as on a longer one for the trend strategies', () => {
    const candles = syntheticCandles({ seed: 42, count: 400, drift: 0.0005, volatility: 0.03 });
    const { historyWindow: _window, ...defaults } = base;
    const byDefault = runBacktest(candles, { ...defaults, strategy: 'ma-crossover' });
    const wide = runBacktest(candles, { ...defaults, strategy: 'ma-crossover', historyWindow: 250 });
    expect(byDefault.trades).toEqual(wide.trades);
  });
});
