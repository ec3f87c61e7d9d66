import { AlphaVantageError, classifyBody, redactSecrets } from '../../../src/marketdata/alphavantage/errors';
import {
  BURST_LIMIT_TEXT,
  DEMO_KEY_TEXT,
  NO_ARTICLES_TEXT,
  NOTE_RATE_LIMIT_TEXT,
  PREMIUM_TEXT,
  dailyQuotaText,
  errorMessageText,
} from '../../support/fakeAlphaVantageBodies';

const FN = 'DIGITAL_CURRENCY_DAILY';

function classified(body: unknown): AlphaVantageError {
  const error = classifyBody(FN, body);
  if (!error) throw new Error(`expected ${JSON.stringify(body)} to be classified as a failure`);
  return error;
}

describe('classifyBody', () => {
  it('reads "Error Message" as an invalid request that must not be retried', () => {
    const error = classified({ 'Error Message': errorMessageText(FN) });
    expect(error).toBeInstanceOf(AlphaVantageError);
    expect(error).toMatchObject({ kind: 'invalid-request', retryable: false, function: FN });
    expect(error.message).toContain('Invalid API call');
  });

  it('reads the per-second text as a burst limit, even though it also mentions 25 requests per day and premium', () => {
    const error = classified({ Information: BURST_LIMIT_TEXT });
    expect(error).toMatchObject({ kind: 'burst-limit', retryable: true, retryAfterMs: 1500 });
  });

  it('reads the old "Note" (5 calls per minute and 500 calls per day) as a burst limit retried after a minute', () => {
    const error = classified({ Note: NOTE_RATE_LIMIT_TEXT });
    expect(error).toMatchObject({ kind: 'burst-limit', retryable: true, retryAfterMs: 60_000 });
  });

  it('reads the 25-requests-per-day text as the daily quota, not retryable today', () => {
    const error = classified({ Information: dailyQuotaText('K3YK3YK3Y') });
    expect(error).toMatchObject({ kind: 'daily-quota', retryable: false });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('never repeats the API key the daily-quota text quotes back', () => {
    const error = classified({ Information: dailyQuotaText('K3YK3YK3Y') });
    expect(error.message).not.toContain('K3YK3YK3Y');
    expect(error.message).toContain('API key as [redacted]');
  });

  it('reads "This is a premium endpoint" as premium, not retryable', () => {
    expect(classified({ Information: PREMIUM_TEXT })).toMatchObject({ kind: 'premium', retryable: false });
  });

  it('reads the **demo** key text as demo-key, not retryable', () => {
    expect(classified({ Information: DEMO_KEY_TEXT })).toMatchObject({ kind: 'demo-key', retryable: false });
  });

  it('reads "No articles found" as no-articles before the generic information case', () => {
    const error = classifyBody('NEWS_SENTIMENT', { Information: NO_ARTICLES_TEXT });
    expect(error).toMatchObject({ kind: 'no-articles', retryable: false, function: 'NEWS_SENTIMENT' });
  });

  it('reads any other Information text as information, not retryable', () => {
    const error = classified({ Information: 'Invalid inputs. Please refer to the API documentation and try again.' });
    expect(error).toMatchObject({ kind: 'information', retryable: false });
    expect(error.message).toContain('Invalid inputs');
  });

  it('checks the error keys even when a payload is present too', () => {
    const body = { Information: BURST_LIMIT_TEXT, 'Time Series (Digital Currency Daily)': {} };
    expect(classified(body).kind).toBe('burst-limit');
  });

  it('returns null for payloads and non-objects, leaving them to the schema', () => {
    expect(classifyBody(FN, { 'Meta Data': {}, 'Time Series (Digital Currency Daily)': {} })).toBeNull();
    expect(classifyBody(FN, 'text')).toBeNull();
    expect(classifyBody(FN, null)).toBeNull();
    expect(classifyBody(FN, [{ Information: 'x' }])).toBeNull();
    expect(classifyBody(FN, { Information: 42 })).toBeNull();
  });
});

describe('AlphaVantageError', () => {
  it('retries HTTP 5xx but not other statuses', () => {
    expect(new AlphaVantageError({ kind: 'http', fn: FN, status: 500, message: 'x' }).retryable).toBe(true);
    expect(new AlphaVantageError({ kind: 'http', fn: FN, status: 502, message: 'x' }).retryable).toBe(true);
    expect(new AlphaVantageError({ kind: 'http', fn: FN, status: 404, message: 'x' }).retryable).toBe(false);
    expect(new AlphaVantageError({ kind: 'http', fn: FN, message: 'x' }).retryable).toBe(false);
  });

  it('retries network failures and timeouts, never malformed or empty answers', () => {
    const retryable = (kind: AlphaVantageError['kind']) =>
      new AlphaVantageError({ kind, fn: FN, message: '' }).retryable;
    expect([retryable('network'), retryable('timeout')]).toEqual([true, true]);
    expect([retryable('malformed'), retryable('empty'), retryable('information')]).toEqual([false, false, false]);
  });

  it('redacted() removes the key from message and stack and keeps everything else', () => {
    const error = new AlphaVantageError({
      kind: 'network',
      fn: FN,
      message: 'request to x?apikey=SEKRIT failed SEKRIT',
    });
    const clean = error.redacted('SEKRIT');
    expect(clean.message).toBe('request to x?apikey=[redacted] failed [redacted]');
    expect(clean.stack).not.toContain('SEKRIT');
    expect(clean).toMatchObject({ kind: 'network', retryable: true, function: FN, name: 'AlphaVantageError' });
  });
});

describe('redactSecrets', () => {
  it('scrubs apikey query parameters in any case', () => {
    expect(redactSecrets('https://h/query?function=X&APIKEY=abc123&symbol=BTC')).toBe(
      'https://h/query?function=X&APIKEY=[redacted]&symbol=BTC',
    );
  });
});
