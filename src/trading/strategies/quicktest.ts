import { dec } from '../../domain/money';
import { readStrategyParams } from './params';
import type { Strategy } from './types';

const PARAMS = {
  quantity: { default: 0.1, min: 0, minExclusive: true, max: 1_000_000, description: 'quantity bought when flat' },
};

/**
 * Buys a fixed quantity when flat and sells everything when holding: the first-milestone script. It ignores
 * indicators, sentiment and the adaptive size on purpose: its trades are the integration test's expected fills.
 */
export const quicktestStrategy: Strategy = {
  name: 'quicktest',
  description: 'Alternates: buy `quantity` (default 0.1) when flat, sell the whole position when holding.',
  params: PARAMS,
  validateParams(params) {
    readStrategyParams('quicktest', PARAMS, params);
  },
  history() {
    return 1;
  },
  decide(ctx) {
    const p = readStrategyParams('quicktest', PARAMS, ctx.params);
    const held = dec(ctx.portfolio.position.quantity);
    if (held.gt(0)) {
      return {
        action: 'sell',
        quantity: held.toFixed(),
        confidence: 1,
        rationale: `holding ${held.toFixed()} ${ctx.symbol}: take the trade off at ${ctx.price}`,
        strategy: this.name,
      };
    }
    const quantity = dec(p.quantity).toFixed();
    return {
      action: 'buy',
      quantity,
      confidence: 1,
      rationale: `flat: buy ${quantity} ${ctx.symbol} at ${ctx.price}`,
      strategy: this.name,
    };
  },
};
