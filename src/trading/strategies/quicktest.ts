import { dec } from '../../domain/money';
import type { Strategy } from './types';

/** Buys a fixed quantity when flat and sells everything when holding: the first-milestone script. */
export const quicktestStrategy: Strategy = {
  name: 'quicktest',
  description: 'Alternates: buy `quantity` (default 0.1) when flat, sell the whole position when holding.',
  decide(ctx) {
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
    const quantity = dec(ctx.params.quantity ?? 0.1).toFixed();
    return {
      action: 'buy',
      quantity,
      confidence: 1,
      rationale: `flat: buy ${quantity} ${ctx.symbol} at ${ctx.price}`,
      strategy: this.name,
    };
  },
};
