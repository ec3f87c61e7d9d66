import { resolveBotConfig, type BotConfig } from '../../src/domain/botConfig';
import { bookFill, equityOf, markPortfolio, type Holdings } from '../../src/domain/fills';
import { portfolioOf } from '../../src/engine';
import type { Fill } from '../../src/domain/types';
import { quicktestSnapshot } from '../../src/marketdata/quicktestFeed';
import { evaluateRisk, initialRiskState, nextRiskState } from '../../src/trading/risk';
import { decide, historyOf } from '../../src/trading/strategies';
import { fleet } from '../soak/fleet';

// The in-process loop: the cycle's decision code called directly, without Temporal, Postgres or the network,
// over the quicktest feed: perceive (quicktestSnapshot), decide (the strategy), risk check (evaluateRisk), fill
// (bookFill, the paper broker's arithmetic), and the gatekeeper's state update. What a cycle costs beyond
// this is orchestration, persistence and transport.

export interface InProcessResult {
  strategy: string;
  cycles: number;
  seconds: number;
  cyclesPerSecond: number;
  microsPerCycle: number;
  fills: number;
}

/** One strategy, cycle after cycle, for `seconds` of wall time. */
export function runInProcess(config: BotConfig, seconds: number): InProcessResult {
  const history = historyOf(config.strategy);
  let holdings: Holdings = { cash: config.startingCash, quantity: '0', averageCost: '0', realizedPnl: '0.00' };
  let riskState = initialRiskState(config.startingCash, new Date().toISOString());
  let fills = 0;
  let cycles = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - started < budget) {
    // Check the clock every 50 cycles only: hrtime is cheap, but not free next to a few microseconds.
    for (let k = 0; k < 50; k++) {
      cycles += 1;
      const now = new Date();
      const snapshot = quicktestSnapshot(config.symbol, cycles, now, history);
      const portfolio = portfolioOf(holdings, config.symbol, snapshot.price);
      const decision = decide(config.strategy.name, {
        symbol: config.symbol,
        cycle: cycles,
        now: now.toISOString(),
        price: snapshot.price,
        closes: snapshot.closes,
        sentiment: snapshot.sentiment,
        portfolio: markPortfolio(portfolio, snapshot.price),
        params: config.strategy.params,
      });
      const verdict = evaluateRisk({
        decision,
        portfolio: markPortfolio(portfolio, snapshot.price),
        price: snapshot.price,
        costs: config.broker,
        now: now.toISOString(),
        market: { source: snapshot.source, ageSeconds: snapshot.ageSeconds },
        mode: config.marketDataMode,
        risk: config.risk,
        state: riskState,
      });
      let fill: Fill | null = null;
      if (verdict.approved && verdict.order) {
        const outcome = bookFill(
          holdings,
          { side: verdict.order.side, quantity: verdict.order.quantity, referencePrice: snapshot.price },
          config.broker,
        );
        if (outcome.ok) {
          holdings = outcome.after;
          fills += 1;
          fill = {
            clientOrderId: `${config.id}:${cycles}`,
            botId: config.id,
            cycle: cycles,
            symbol: config.symbol,
            side: verdict.order.side,
            quantity: outcome.quantity,
            price: outcome.price,
            fee: outcome.fee,
            realizedPnl: outcome.realizedPnl,
            cashAfter: outcome.after.cash,
            filledAt: now.toISOString(),
          };
        }
      }
      const equity = equityOf(holdings.cash, holdings.quantity, snapshot.price);
      riskState = nextRiskState(riskState, { now: now.toISOString(), equity, verdict, fill });
    }
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    strategy: config.strategy.name,
    cycles,
    seconds: Math.round(elapsed * 1000) / 1000,
    cyclesPerSecond: Math.round(cycles / elapsed),
    microsPerCycle: Math.round((elapsed / cycles) * 1e6 * 10) / 10,
    fills,
  };
}

/** The fleets' strategies (scripts/soak/fleet.ts) in quicktest mode, each for `seconds`. */
export function inProcessLoop(seconds: number): { perStrategy: InProcessResult[]; overall: InProcessResult } {
  const seen = new Set<string>();
  const configs = fleet(8, 30, 'inproc')
    .filter((b) => !seen.has(b.strategy.name) && seen.add(b.strategy.name))
    .map((b) => resolveBotConfig({ ...b, marketDataMode: 'quicktest' }, { marketDataMode: 'quicktest' }));
  // A short warm-up, so the JIT has compiled the hot path before the clock runs.
  for (const c of configs) runInProcess(c, Math.min(0.2, seconds));
  const perStrategy = configs.map((c) => runInProcess(c, seconds));
  const cycles = perStrategy.reduce((s, r) => s + r.cycles, 0);
  const secs = perStrategy.reduce((s, r) => s + r.seconds, 0);
  return {
    perStrategy,
    overall: {
      strategy: 'all',
      cycles,
      seconds: Math.round(secs * 1000) / 1000,
      cyclesPerSecond: Math.round(cycles / secs),
      microsPerCycle: Math.round((secs / cycles) * 1e6 * 10) / 10,
      fills: perStrategy.reduce((s, r) => s + r.fills, 0),
    },
  };
}
