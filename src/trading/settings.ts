// Strategy params and risk limits are both flat records of numbers from a bot's config. One reader validates
// them against a spec, so both fail the same way: a clear message naming the key, its range and the known keys.

export interface SettingSpec {
  default: number;
  min: number;
  max: number;
  /** When true, `min` itself is not allowed (e.g. a fraction that must be above 0). */
  minExclusive?: boolean;
  integer?: boolean;
  description: string;
}

export type SettingSpecs = Record<string, SettingSpec>;
export type Settings<S extends SettingSpecs> = { [K in keyof S]: number };

/** A bot's config names a setting that does not exist or gives it a value out of range: not retryable. */
export class InvalidSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSettingError';
  }
}

export function describeRange(spec: SettingSpec): string {
  const kind = spec.integer ? 'an integer' : 'a number';
  const low = spec.minExclusive ? `above ${spec.min}` : `from ${spec.min}`;
  return `${kind} ${low} to ${spec.max}`;
}

/** Fills defaults and validates every given value; `owner` names what the settings belong to in errors. */
export function readSettings<S extends SettingSpecs>(
  owner: string,
  specs: S,
  given: Readonly<Record<string, number>>,
  makeError: (message: string) => Error = (m) => new InvalidSettingError(m),
): Settings<S> {
  const known = Object.keys(specs);
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(specs, key)) {
      throw makeError(`${owner}: unknown key "${key}"; known keys: ${known.join(', ') || '(none)'}`);
    }
  }
  const out: Record<string, number> = {};
  for (const key of known) {
    const spec = specs[key];
    const value = Object.prototype.hasOwnProperty.call(given, key) ? given[key] : spec.default;
    const belowMin = spec.minExclusive ? value <= spec.min : value < spec.min;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      belowMin ||
      value > spec.max ||
      (spec.integer && !Number.isInteger(value))
    ) {
      throw makeError(`${owner}: "${key}" must be ${describeRange(spec)}, got ${String(value)}`);
    }
    out[key] = value;
  }
  return out as Settings<S>;
}

/** The documented defaults of a spec, e.g. for the API or the backtest's result file. */
export function defaultsOf<S extends SettingSpecs>(specs: S): Settings<S> {
  const out: Record<string, number> = {};
  for (const [key, spec] of Object.entries(specs)) out[key] = spec.default;
  return out as Settings<S>;
}
