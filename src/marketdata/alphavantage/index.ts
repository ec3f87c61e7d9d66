// The Alpha Vantage market data source: a one-request-per-call client, its typed failures and the parsers.
export { AlphaVantageClient, type AlphaVantageClientOptions, type NewsQuery } from './client';
export {
  AlphaVantageError,
  classifyBody,
  redactSecrets,
  type AlphaVantageErrorKind,
  PER_MINUTE_RETRY_MS,
  PER_SECOND_RETRY_MS,
} from './errors';
export {
  AV_FUNCTION,
  parseCryptoDaily,
  parseEquityDaily,
  parseEquityIntraday,
  parseExchangeRate,
  type ExchangeRate,
  type IntradayInterval,
} from './parse';
export { NEUTRAL_SENTIMENT, parseNewsSentiment, sentimentLabel } from './sentiment';
export { wallClockToIso } from './time';
