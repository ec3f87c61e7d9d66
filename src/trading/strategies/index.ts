import type { Decision } from '../../domain/types';
import { quicktestStrategy } from './quicktest';
import type { Strategy, StrategyContext } from './types';

export type { Strategy, StrategyContext } from './types';

const STRATEGIES: Record<string, Strategy> = {
  [quicktestStrategy.name]: quicktestStrategy,
};

export function strategyNames(): string[] {
  return Object.keys(STRATEGIES);
}

export function findStrategy(name: string): Strategy {
  const strategy = STRATEGIES[name];
  if (!strategy) throw new Error(`unknown strategy "${name}"; known: ${strategyNames().join(', ')}`);
  return strategy;
}

export function decide(name: string, ctx: StrategyContext): Decision {
  return findStrategy(name).decide(ctx);
}
