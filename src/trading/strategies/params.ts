import { InvalidSettingError, readSettings, type SettingSpecs, type Settings } from '../settings';

/** A strategy's params are wrong (unknown key, out of range, inconsistent): a config error, never retryable. */
export class InvalidStrategyParamsError extends InvalidSettingError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStrategyParamsError';
  }
}

export function readStrategyParams<S extends SettingSpecs>(
  strategy: string,
  specs: S,
  given: Readonly<Record<string, number>>,
): Settings<S> {
  return readSettings(`strategy "${strategy}" params`, specs, given, (m) => new InvalidStrategyParamsError(m));
}

/** The size of an entry as a fraction of equity, shared by every strategy that sizes that way. */
export const FRACTION_PARAM = {
  default: 0.4,
  min: 0,
  minExclusive: true,
  max: 1,
  description: 'entry size as a fraction of equity, before the adaptive multiplier (0.4 = 40 %)',
};
