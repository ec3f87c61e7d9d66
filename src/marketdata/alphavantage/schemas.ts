import { z } from 'zod';
import { parseDecimal } from '../../domain/money';

// Zod schemas for the Alpha Vantage payloads the bot reads. Numbers arrive as strings (a few newer fields as
// JSON numbers); each is checked to be a decimal and kept as a canonical decimal string, never a float.
// Field names changed over the years, so rows are first read loosely and mapped to one shape in parse.ts.

/** A decimal number as string or JSON number -> canonical decimal string (no exponent, no trailing zeros). */
export const decimalString = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDecimal(value, 'value').toFixed();
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a decimal number: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
});

/** Like decimalString, but "-" or "" (a quote the service does not have) reads as absent. */
export const optionalDecimalString = z
  .union([z.string(), z.number()])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || (typeof value === 'string' && /^\s*-?\s*$/.test(value))) return undefined;
    const parsed = decimalString.safeParse(value);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: `not a decimal number: ${JSON.stringify(value)}` });
    return z.NEVER;
  });

/** One bar after its field names were mapped to the current ones. */
export const candleFieldsSchema = z.object({
  open: decimalString,
  high: decimalString,
  low: decimalString,
  close: decimalString,
  volume: decimalString,
});

const rawRow = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));
export type RawRow = z.infer<typeof rawRow>;

/** The `Meta Data` block of a time series answer (Information, Symbol, Time Zone, ...). */
export const metaDataSchema = z.record(z.string(), z.string()).optional();

/** A time series: rows keyed by date or date-time, fields still under the service's own names. */
export const seriesRowsSchema = z.record(z.string(), rawRow);

export const exchangeRateSchema = z.object({
  'Realtime Currency Exchange Rate': z.object({
    '1. From_Currency Code': z.string().optional(),
    '3. To_Currency Code': z.string().optional(),
    '5. Exchange Rate': decimalString,
    '6. Last Refreshed': z.string(),
    '7. Time Zone': z.string().optional(),
    '8. Bid Price': optionalDecimalString,
    '9. Ask Price': optionalDecimalString,
  }),
});

export const tickerSentimentSchema = z.object({
  ticker: z.string(),
  relevance_score: decimalString,
  ticker_sentiment_score: decimalString,
  ticker_sentiment_label: z.string().optional(),
});

export const newsArticleSchema = z.object({
  title: z.string().optional(),
  time_published: z.string().regex(/^\d{8}T\d{4}(\d{2})?$/, 'expected YYYYMMDDTHHMMSS'),
  // A JSON number in every answer seen so far; not used for the score, so a string does not fail the parse.
  overall_sentiment_score: z.union([z.number(), z.string()]).optional(),
  ticker_sentiment: z.array(tickerSentimentSchema).default([]),
});

export const newsFeedSchema = z.object({
  items: z.string().optional(),
  feed: z.array(newsArticleSchema),
});
export type NewsArticle = z.infer<typeof newsArticleSchema>;
