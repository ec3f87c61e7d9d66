import type { Action, Decision } from '../../domain/types';

export type Indicators = Record<string, number | null>;

export function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Builds a Decision with confidence clamped to 0..1 and rounded, so stored decisions compare exactly. */
export function makeDecision(
  strategy: string,
  action: Action,
  quantity: string,
  confidence: number,
  rationale: string,
  indicators: Indicators,
): Decision {
  return {
    action,
    quantity: action === 'hold' ? '0' : quantity,
    confidence: Math.round(clamp01(confidence) * 1000) / 1000,
    rationale,
    strategy,
    indicators,
  };
}

/** Prices in rationales: two decimals, no exponent. */
export function px(value: number): string {
  return value.toFixed(2);
}
