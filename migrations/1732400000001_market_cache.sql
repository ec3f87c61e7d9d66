-- Up Migration
-- Every successful Alpha Vantage answer, kept so that fresh data is served without a request (a free key has
-- 25 a day) and so that the fallback activity has something real to trade on when the service fails.
CREATE TABLE market_candles (
  symbol     text NOT NULL,
  interval   text NOT NULL,
  time       timestamptz NOT NULL,
  open       numeric(28, 8) NOT NULL,
  high       numeric(28, 8) NOT NULL,
  low        numeric(28, 8) NOT NULL,
  close      numeric(28, 8) NOT NULL,
  volume     numeric(38, 8) NOT NULL,
  fetched_at timestamptz NOT NULL,
  PRIMARY KEY (symbol, interval, time)
);

CREATE TABLE market_prices (
  id         bigserial PRIMARY KEY,
  symbol     text NOT NULL,
  price      numeric(28, 8) NOT NULL CHECK (price > 0),
  as_of      timestamptz NOT NULL,
  fetched_at timestamptz NOT NULL
);
CREATE INDEX market_prices_newest ON market_prices (symbol, fetched_at DESC);

CREATE TABLE market_sentiment (
  id         bigserial PRIMARY KEY,
  ticker     text NOT NULL,
  score      double precision NOT NULL,
  articles   integer NOT NULL,
  label      text NOT NULL,
  fetched_at timestamptz NOT NULL
);
CREATE INDEX market_sentiment_newest ON market_sentiment (ticker, fetched_at DESC);

-- Down Migration
DROP TABLE market_sentiment;
DROP TABLE market_prices;
DROP TABLE market_candles;
