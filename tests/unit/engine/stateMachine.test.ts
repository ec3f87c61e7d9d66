import { syntheticCandles } from '../../../src/backtest/syntheticCandles';
import {
  checkRisk,
  decide,
  initialTradingState,
  learn,
  portfolioOf,
  replayObservations,
  simulateCycle,
  startingHoldings,
  type EngineConfig,
  type Observation,
  type TradingState,
} from '../../../src/engine';
import { performanceStats } from '../../../src/trading/learning';

const config: EngineConfig = {
  botId: 'sm',
  symbol: 'BTC/USD',
  strategy: { name: 'ma-crossover', params: { fast: 3, slow: 8 } },
  risk: {},
  costs: { feeBps: 10, slippageBps: 5 },
  mode: 'live',
  adaptiveSizing: true,
};

function observations(count: number, seed = 7): Observation[] {
  const candles = syntheticCandles({ seed, count, drift: 0.001, volatility: 0.03 });
  return candles.map((c, i) => ({
    cycle: i + 1,
    now: c.time,
    price: c.close,
    closes: candles.slice(Math.max(0, i - 7), i + 1).map((k) => k.close),
    sentiment: null,
    source: 'cache',
    ageSeconds: 0,
  }));
}

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the bot state machine', () => {
  it('answers output, next state and explanation, and changes nothing it is given', () => {
    const state = initialTradingState();
    const frozen = json(state);
    const [o] = observations(1);
    const portfolio = portfolioOf(startingHoldings('10000.00'), 'BTC/USD', o.price);
    const decided = decide(state, { observation: o, portfolio }, config);
    expect(decided.nextState).toBe(state);
    expect(decided.explanation).toContain('ma-crossover');
    const judged = checkRisk(state, { observation: o, decision: decided.output, portfolio }, config);
    expect(judged.nextState.risk).toMatchObject({ peakEquity: '10000.00', halted: false });
    expect(judged.explanation).toMatch(/^risk (approved|refused)/);
    const learned = learn(
      judged.nextState,
      {
        observation: o,
        decision: decided.output,
        verdict: judged.output,
        fill: null,
        equity: '10000.00',
        position: portfolio.position,
      },
      config,
    );
    expect(learned.nextState.learning.lastCycle).toBe(1);
    expect(learned.nextState.sizing).toEqual(learned.output.sizing);
    expect(state).toEqual(frozen);
  });

  it('is deterministic, and its state is plain JSON: a run cut in two through JSON equals the run in one', () => {
    const all = observations(120);
    const whole = replayObservations(all, config, '10000.00');
    expect(replayObservations(json(all), config, '10000.00')).toEqual(whole);
    expect(whole.cycles.some((c) => c.fill)).toBe(true);

    let state: TradingState = initialTradingState();
    let holdings = startingHoldings('10000.00');
    const fills = [];
    for (const o of all) {
      const step = simulateCycle(json(state), json(holdings), o, config);
      state = json(step.nextState);
      holdings = step.output.holdings;
      if (step.output.fill) fills.push(step.output.fill);
    }
    expect(state).toEqual(whole.state);
    expect(fills).toEqual(whole.cycles.flatMap((c) => c.fill ?? []));
  });

  it('learns, one cycle at a time, the same statistics as the batch functions over the same journal', () => {
    const run = replayObservations(observations(200, 11), config, '10000.00');
    const { quantity, averageCost } = run.holdings;
    const open = {
      position: { symbol: 'BTC/USD', quantity, averageCost },
      markPrice: run.cycles[run.cycles.length - 1].price,
    };
    // Welford's running variance and the batch one differ in the last bits of a float, nowhere else.
    const { sharpeLike: incremental, ...learned } = run.learned.stats;
    const { sharpeLike: batch, ...fromJournal } = performanceStats(run.journal, open);
    expect(learned).toEqual(fromJournal);
    expect(incremental).toBeCloseTo(batch!, 10);
    expect(learned.trades).toBeGreaterThan(0);
  });
});
