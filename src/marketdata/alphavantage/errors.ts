// Alpha Vantage answers HTTP 200 for most failures and says what went wrong in the body. This file turns every
// known way a request can fail into one typed error, so activity code and Temporal retry policies can decide
// "retry soon", "go to the fallback" or "give up" from `kind` and `retryable` instead of parsing text.

export type AlphaVantageErrorKind =
  | 'invalid-request'
  | 'burst-limit'
  | 'daily-quota'
  | 'premium'
  | 'demo-key'
  | 'information'
  | 'http'
  | 'network'
  | 'timeout'
  | 'malformed'
  | 'empty'
  | 'no-articles';

/** Kinds worth retrying on their own. `http` is decided by status (5xx only), so it is not listed here. */
const RETRYABLE_KINDS: ReadonlySet<AlphaVantageErrorKind> = new Set(['burst-limit', 'network', 'timeout']);

/** The free tier allows about one request a second; waiting a little longer than that clears the burst limit. */
export const PER_SECOND_RETRY_MS = 1_500;
/** The old per-minute quota ("5 calls per minute") resets within a minute. */
export const PER_MINUTE_RETRY_MS = 60_000;

export interface AlphaVantageErrorInit {
  kind: AlphaVantageErrorKind;
  /** The Alpha Vantage `function` that was called, e.g. DIGITAL_CURRENCY_DAILY. */
  fn: string;
  message: string;
  /** HTTP status, for `http` errors. */
  status?: number;
  retryAfterMs?: number;
}

export class AlphaVantageError extends Error {
  readonly kind: AlphaVantageErrorKind;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly function: string;
  readonly status?: number;

  constructor(init: AlphaVantageErrorInit) {
    super(init.message);
    this.name = 'AlphaVantageError';
    this.kind = init.kind;
    this.function = init.fn;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable =
      init.kind === 'http' ? init.status !== undefined && init.status >= 500 : RETRYABLE_KINDS.has(init.kind);
  }

  /** A copy whose message has every trace of `secret` (the API key) removed. */
  redacted(secret: string): AlphaVantageError {
    const copy = new AlphaVantageError({
      kind: this.kind,
      fn: this.function,
      message: redactSecrets(this.message, secret),
      status: this.status,
      retryAfterMs: this.retryAfterMs,
    });
    copy.stack = redactSecrets(this.stack ?? '', secret);
    return copy;
  }
}

/**
 * Removes API keys from text that may end up in logs: `apikey=` query parameters, the daily-quota body's
 * "detected your API key as XYZ", and any literal occurrence of `secret`.
 */
export function redactSecrets(text: string, secret?: string): string {
  let out = text.replace(/(apikey=)[^&\s"')]*/gi, '$1[redacted]').replace(/(API key as )\S+/gi, '$1[redacted]');
  if (secret && secret.length > 0) out = out.split(secret).join('[redacted]');
  return out;
}

/** Service text quoted in messages: shortened, and without any key it might contain. */
function quote(text: string): string {
  const clean = redactSecrets(text.trim());
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Recognises Alpha Vantage's failure bodies. Returns null for anything else (a payload to validate).
 * Order matters: the burst-limit text also mentions "25 requests per day" and "premium endpoints", and the
 * daily-quota text also mentions premium plans, so the most specific wording is tested first.
 */
export function classifyBody(fn: string, body: unknown): AlphaVantageError | null {
  if (!isRecord(body)) return null;

  const errorMessage = body['Error Message'];
  if (typeof errorMessage === 'string') {
    return new AlphaVantageError({
      kind: 'invalid-request',
      fn,
      message: `Alpha Vantage rejected the ${fn} request (bad symbol, function or API key): ${quote(errorMessage)}`,
    });
  }

  const info = typeof body.Information === 'string' ? body.Information : body.Note;
  if (typeof info !== 'string') return null;
  const said = quote(info);

  if (/no articles found/i.test(info)) {
    return new AlphaVantageError({ kind: 'no-articles', fn, message: `Alpha Vantage found no news articles: ${said}` });
  }
  if (/per second|spreading out|sparingly/i.test(info)) {
    return new AlphaVantageError({
      kind: 'burst-limit',
      fn,
      retryAfterMs: PER_SECOND_RETRY_MS,
      message: `Alpha Vantage burst limit hit on ${fn} (about 1 request per second); retry shortly: ${said}`,
    });
  }
  if (/per minute/i.test(info)) {
    return new AlphaVantageError({
      kind: 'burst-limit',
      fn,
      retryAfterMs: PER_MINUTE_RETRY_MS,
      message: `Alpha Vantage per-minute call limit hit on ${fn}; retry in a minute: ${said}`,
    });
  }
  if (/is a premium endpoint/i.test(info)) {
    return new AlphaVantageError({
      kind: 'premium',
      fn,
      message: `${fn} is a premium Alpha Vantage endpoint this API key cannot use: ${said}`,
    });
  }
  if (/\*\*demo\*\*|demo purposes/i.test(info)) {
    return new AlphaVantageError({
      kind: 'demo-key',
      fn,
      message: `The Alpha Vantage demo API key only serves the documentation samples; configure a real key: ${said}`,
    });
  }
  if (/requests? per day|\b25 requests\b|daily rate limit/i.test(info)) {
    return new AlphaVantageError({
      kind: 'daily-quota',
      fn,
      message: `Alpha Vantage daily request quota is used up (${fn}); no more live data until tomorrow: ${said}`,
    });
  }
  return new AlphaVantageError({ kind: 'information', fn, message: `Alpha Vantage answered ${fn} with: ${said}` });
}
