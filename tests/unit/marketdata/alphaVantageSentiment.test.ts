import { AlphaVantageError } from '../../../src/marketdata/alphavantage/errors';
import { parseNewsSentiment, sentimentLabel } from '../../../src/marketdata/alphavantage/sentiment';

const mention = (ticker: string, relevance: string, score: string) => ({
  ticker,
  relevance_score: relevance,
  ticker_sentiment_score: score,
  ticker_sentiment_label: 'Neutral',
});

const article = (time: string, overall: number, ...mentions: ReturnType<typeof mention>[]) => ({
  title: 'headline',
  url: 'https://news.example.com/a',
  time_published: time,
  overall_sentiment_score: overall,
  overall_sentiment_label: 'Neutral',
  ticker_sentiment: mentions,
});

const feedOf = (...articles: ReturnType<typeof article>[]) => ({
  items: String(articles.length),
  sentiment_score_definition: 'x <= -0.35: Bearish; ...',
  relevance_score_definition: '0 < x <= 1, with a higher score indicating higher relevance.',
  feed: articles,
});

describe('parseNewsSentiment', () => {
  it('is the relevance-weighted mean of the ticker scores over articles that mention it', () => {
    const body = feedOf(
      article('20240716T120000', 0.3, mention('CRYPTO:BTC', '0.9', '0.5'), mention('COIN', '0.3', '-0.9')),
      article('20240716T100000', -0.1, mention('CRYPTO:BTC', '0.3', '-0.4')),
      article('20240716T080000', 0.9, mention('COIN', '1.0', '0.9')),
      article('20240715T220000', 0.1, mention('crypto:btc', '0.6', '0.2')),
    );
    // (0.9*0.5 + 0.3*-0.4 + 0.6*0.2) / (0.9 + 0.3 + 0.6) = (0.45 - 0.12 + 0.12) / 1.8 = 0.25
    expect(parseNewsSentiment(body, 'CRYPTO:BTC')).toEqual({ score: 0.25, articles: 3, label: 'Somewhat-Bullish' });
  });

  it('gives a neutral zero when no article mentions the ticker', () => {
    const body = feedOf(article('20240716T120000', 0.8, mention('COIN', '1.0', '0.9')));
    expect(parseNewsSentiment(body, 'CRYPTO:BTC')).toEqual({ score: 0, articles: 0, label: 'Neutral' });
    expect(parseNewsSentiment(feedOf(), 'CRYPTO:BTC')).toEqual({ score: 0, articles: 0, label: 'Neutral' });
  });

  it('gives a neutral zero for the "No articles found" answer instead of failing', () => {
    const body = { Information: 'No articles found. Please adjust the time range or refine your query.' };
    expect(parseNewsSentiment(body, 'CRYPTO:BTC')).toEqual({ score: 0, articles: 0, label: 'Neutral' });
  });

  it('falls back to the plain mean when every mention has relevance 0', () => {
    const body = feedOf(
      article('20240716T120000', 0, mention('CRYPTO:BTC', '0', '-0.5')),
      article('20240716T110000', 0, mention('CRYPTO:BTC', '0.000', '-0.3')),
    );
    expect(parseNewsSentiment(body, 'CRYPTO:BTC')).toEqual({ score: -0.4, articles: 2, label: 'Bearish' });
  });

  it('throws malformed naming the field when a score is not a decimal', () => {
    const body = feedOf(article('20240716T120000', 0, mention('CRYPTO:BTC', '0.5', 'n/a')));
    let thrown: unknown;
    try {
      parseNewsSentiment(body, 'CRYPTO:BTC');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AlphaVantageError);
    expect(thrown).toMatchObject({ kind: 'malformed', retryable: false });
    expect((thrown as Error).message).toContain('feed.0.ticker_sentiment.0.ticker_sentiment_score');
  });

  it('throws the classified failure for rate-limit bodies', () => {
    const body = { Information: 'Please consider spreading out your free API requests (1 request per second).' };
    expect(() => parseNewsSentiment(body, 'CRYPTO:BTC')).toThrow(expect.objectContaining({ kind: 'burst-limit' }));
  });
});

describe('sentimentLabel', () => {
  it.each([
    [-0.5, 'Bearish'],
    [-0.35, 'Bearish'],
    [-0.34, 'Somewhat-Bearish'],
    [-0.15, 'Somewhat-Bearish'],
    [-0.14, 'Neutral'],
    [0, 'Neutral'],
    [0.149, 'Neutral'],
    [0.15, 'Somewhat-Bullish'],
    [0.349, 'Somewhat-Bullish'],
    [0.35, 'Bullish'],
    [1, 'Bullish'],
  ])('labels %p as %s (Alpha Vantage bands)', (score, label) => {
    expect(sentimentLabel(score)).toBe(label);
  });
});
