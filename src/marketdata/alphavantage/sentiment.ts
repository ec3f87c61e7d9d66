import type { NewsSentiment } from '../../domain/types';
import { classifyBody } from './errors';
import { AV_FUNCTION, malformed, rejectFailureBody } from './parse';
import { newsFeedSchema } from './schemas';

// NEWS_SENTIMENT -> one score for one ticker. Each article scores every ticker it mentions and says how relevant
// the article is to that ticker; a passing mention should move the score less than a story about the coin, so
// the score is the relevance-weighted mean of the ticker's scores over the articles that mention it.

/** No news is neutral news: the bot should decide on price alone, not fail the cycle. */
export const NEUTRAL_SENTIMENT: NewsSentiment = Object.freeze({ score: 0, articles: 0, label: 'Neutral' });

/** Alpha Vantage's documented bands for sentiment scores. */
export function sentimentLabel(score: number): string {
  if (score <= -0.35) return 'Bearish';
  if (score <= -0.15) return 'Somewhat-Bearish';
  if (score < 0.15) return 'Neutral';
  if (score < 0.35) return 'Somewhat-Bullish';
  return 'Bullish';
}

/**
 * The sentiment of `ticker` (e.g. `CRYPTO:BTC`) in a NEWS_SENTIMENT answer.
 * The "No articles found" answer returns NEUTRAL_SENTIMENT directly rather than throwing: for the bot it is a
 * valid answer (no news), and classifyBody still reports it as kind 'no-articles' to anyone who asks.
 * Every other failure body throws AlphaVantageError.
 */
export function parseNewsSentiment(body: unknown, ticker: string): NewsSentiment {
  const fn = AV_FUNCTION.news;
  if (classifyBody(fn, body)?.kind === 'no-articles') return { ...NEUTRAL_SENTIMENT };
  rejectFailureBody(fn, body);
  const parsed = newsFeedSchema.safeParse(body);
  if (!parsed.success) throw malformed(fn, parsed.error.issues);

  const wanted = ticker.trim().toUpperCase();
  let weighted = 0;
  let totalRelevance = 0;
  let plainSum = 0;
  let articles = 0;
  for (const article of parsed.data.feed) {
    const mention = article.ticker_sentiment.find((t) => t.ticker.trim().toUpperCase() === wanted);
    if (!mention) continue;
    const relevance = Number(mention.relevance_score);
    const score = Number(mention.ticker_sentiment_score);
    weighted += relevance * score;
    totalRelevance += relevance;
    plainSum += score;
    articles += 1;
  }
  if (articles === 0) return { ...NEUTRAL_SENTIMENT };
  // If every mention has relevance 0 the weights say nothing; fall back to the plain mean.
  const raw = totalRelevance > 0 ? weighted / totalRelevance : plainSum / articles;
  // Six decimals, like the service's own scores, so float noise (0.16000000000000003) does not leak out.
  const score = Math.round(raw * 1e6) / 1e6 || 0; // `|| 0` turns -0 into 0
  return { score, articles, label: sentimentLabel(score) };
}
