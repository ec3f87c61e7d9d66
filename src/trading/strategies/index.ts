import type { Decision } from '../../domain/types';
import { maCrossoverStrategy } from './maCrossover';
import { quicktestStrategy } from './quicktest';
import { rsiMeanReversionStrategy } from './rsiMeanReversion';
import { sentimentBlendStrategy } from './sentimentBlend';
import type { Strategy, StrategyContext } from './types';

export type { Strategy, StrategyContext } from './types';
export { InvalidStrategyParamsError } from './params';

const STRATEGIES: Record<string, Strategy> = Object.fromEntries(
  [quicktestStrategy, maCrossoverStrategy, rsiMeanReversionStrategy, sentimentBlendStrategy].map((s) => [s.name, s]),
);

/** A bot's config names a strategy that does not exist: a config error, never retryable. */
export class UnknownStrategyError extends Error {
  constructor(name: string) {
    super(`unknown strategy "${name}"; known: ${strategyNames().join(', ')}`);
    this.name = 'UnknownStrategyError';
  }
}

export function strategyNames(): string[] {
  return Object.keys(STRATEGIES);
}

export function findStrategy(name: string): Strategy {
  if (!Object.prototype.hasOwnProperty.call(STRATEGIES, name)) throw new UnknownStrategyError(name);
  return STRATEGIES[name];
}

/** Checks a strategy config where it enters (API, start-up, backtest CLI), so a bad one fails before cycle 1. */
export function validateStrategyConfig(name: string, params: Record<string, number>): void {
  findStrategy(name).validateParams(params);
}

/** How many closes a bot with this strategy config needs each cycle. */
export function historyOf(strategy: { name: string; params: Record<string, number> }): number {
  return findStrategy(strategy.name).history(strategy.params);
}

export function decide(name: string, ctx: StrategyContext): Decision {
  return findStrategy(name).decide(ctx);
}
