import { InvalidSettingError, readSettings, type Settings } from '../settings';

// Every risk limit, its default and its range, in one place. A bot's `risk` record overrides any of them.
//
// The defaults let the quicktest milestone through untouched: its orders are 0.1 BTC at 50,000 = $5,000 on
// $10,000 of equity, i.e. a 50 % position (< 60 %), a $5,000 order (< $50,000), a +4 % move to 52,000 before the
// exit (< the 15 % take-profit), and mock data, which the data-quality rule accepts in quicktest mode only.
export const RISK_LIMIT_SPECS = {
  maxPositionFraction: {
    default: 0.6,
    min: 0,
    minExclusive: true,
    max: 1,
    description: 'position value after a buy, at most this fraction of equity; larger buys are resized down',
  },
  maxOrderNotional: {
    default: 50_000,
    min: 0,
    minExclusive: true,
    max: 1e12,
    description: 'one buy at most this notional in the quote currency (a fat-finger guard); larger buys are resized',
  },
  cashFloor: {
    default: 0,
    min: 0,
    max: 1e12,
    description: 'cash left after a buy, fees included, at least this (0 = no overdraft); larger buys are resized',
  },
  stopLossFraction: {
    default: 0.05,
    min: 0,
    max: 1,
    description: 'sell the whole position when the price is this fraction below its average cost (0 = off)',
  },
  takeProfitFraction: {
    default: 0.15,
    min: 0,
    max: 100,
    description: 'sell the whole position when the price is this fraction above its average cost (0 = off)',
  },
  maxDrawdownFraction: {
    default: 0.2,
    min: 0,
    minExclusive: true,
    max: 1,
    description: 'equity this fraction below its peak halts new entries until an operator resumes the bot',
  },
  maxDailyLossFraction: {
    default: 0.05,
    min: 0,
    minExclusive: true,
    max: 1,
    description: 'realized loss this UTC day of at least this fraction of equity blocks new entries until tomorrow',
  },
  stopLossCooldownMinutes: {
    default: 60,
    min: 0,
    max: 10_080,
    description: 'no new entry for this long after a stop-loss exit',
  },
  // A free Alpha Vantage key refreshes the cached price every 90 minutes (ALPHAVANTAGE_PRICE_TTL_SECONDS); the
  // default lets a bot trade on that and no older. Lower it together with the TTL on a premium key.
  maxDataAgeSeconds: {
    default: 7200,
    min: 0,
    minExclusive: true,
    max: 604_800,
    description: 'no new entry on market data older than this (outside quicktest mode)',
  },
};

export type RiskLimits = Settings<typeof RISK_LIMIT_SPECS>;

/** A bot's `risk` overrides name an unknown limit or give one a value out of range: not retryable. */
export class InvalidRiskLimitsError extends InvalidSettingError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRiskLimitsError';
  }
}

/** Defaults overlaid with a bot's overrides; throws InvalidRiskLimitsError listing the known keys. */
export function resolveRiskLimits(overrides: Readonly<Record<string, number>> = {}): RiskLimits {
  return readSettings('risk limits', RISK_LIMIT_SPECS, overrides, (m) => new InvalidRiskLimitsError(m));
}

export const DEFAULT_RISK_LIMITS: RiskLimits = resolveRiskLimits({});
