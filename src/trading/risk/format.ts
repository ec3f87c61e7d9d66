import type Decimal from 'decimal.js';
import { dec } from '../../domain/money';

// How verdict reasons print numbers: money to the cent, quantities in full, fractions as percentages.

export function usd(value: Decimal): string {
  return value.toFixed(2);
}

export function qty(value: Decimal): string {
  return value.toFixed();
}

export function pct(fraction: Decimal.Value): string {
  return `${dec(fraction).mul(100).toDecimalPlaces(2).toFixed()}%`;
}
