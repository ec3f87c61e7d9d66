import Decimal from 'decimal.js';

// One Decimal constructor for the whole app: 40 significant digits, banker's rounding is NOT used for money;
// amounts are rounded half-up to the quote currency's precision where the ledger books them.
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

/** Quote-currency amounts (cash, fees, notional) are booked to 8 decimal places, like a crypto exchange. */
export const CASH_DP = 8;
/** Base-asset quantities (BTC) are booked to 8 decimal places (1 satoshi). */
export const QTY_DP = 8;

export function dec(value: Decimal.Value): Decimal {
  return new Money(value);
}

/** Parses a decimal string from outside (API, CSV, Alpha Vantage); throws a clear error on garbage. */
export function parseDecimal(value: unknown, what: string): Decimal {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new TypeError(`${what} must be a decimal number, got ${typeof value}`);
  }
  const text = String(value).trim();
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new TypeError(`${what} must be a decimal number, got ${JSON.stringify(value)}`);
  }
  return new Money(text);
}

export function roundCash(value: Decimal): Decimal {
  return value.toDecimalPlaces(CASH_DP, Decimal.ROUND_HALF_UP);
}

export function roundQty(value: Decimal): Decimal {
  // Quantities round down: never order more than was intended or is held.
  return value.toDecimalPlaces(QTY_DP, Decimal.ROUND_DOWN);
}

/** Money for display: at least 2 decimals, more only when the ledger holds them (so nothing is hidden). */
export function formatMoney(value: Decimal.Value): string {
  const d = new Money(value);
  return d.decimalPlaces() <= 2 ? d.toFixed(2) : d.toFixed();
}

/** Quantities for display: as many decimals as needed, no exponent. */
export function formatQty(value: Decimal.Value): string {
  return new Money(value).toFixed();
}
