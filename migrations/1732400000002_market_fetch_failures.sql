-- Up Migration
-- The last failed Alpha Vantage request per symbol and kind. A kind the bot can do without (news sentiment) is
-- not asked for again until its TTL has passed since the failure, so a persistent failure cannot burn the quota.
CREATE TABLE market_fetch_failures (
  symbol    text NOT NULL,
  kind      text NOT NULL,
  failed_at timestamptz NOT NULL,
  error     text NOT NULL,
  PRIMARY KEY (symbol, kind)
);

-- Down Migration
DROP TABLE market_fetch_failures;
