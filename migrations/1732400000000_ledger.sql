-- Up Migration
-- The paper broker's ledger. Money is NUMERIC(28,8): quote currency booked to 8 decimals, like a crypto exchange.
CREATE TABLE accounts (
  bot_id        text PRIMARY KEY,
  symbol        text NOT NULL,
  starting_cash numeric(28, 8) NOT NULL CHECK (starting_cash >= 0),
  cash          numeric(28, 8) NOT NULL CHECK (cash >= 0),
  realized_pnl  numeric(28, 8) NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE positions (
  bot_id       text NOT NULL REFERENCES accounts (bot_id),
  symbol       text NOT NULL,
  quantity     numeric(28, 8) NOT NULL CHECK (quantity >= 0),
  average_cost numeric(28, 8) NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, symbol)
);

-- One row per client order id: the unique constraint is what makes a retried execution idempotent.
CREATE TABLE orders (
  id              bigserial PRIMARY KEY,
  client_order_id text NOT NULL UNIQUE,
  bot_id          text NOT NULL REFERENCES accounts (bot_id),
  cycle           integer NOT NULL,
  symbol          text NOT NULL,
  side            text NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity        numeric(28, 8) NOT NULL CHECK (quantity >= 0),
  reference_price numeric(28, 8) NOT NULL,
  status          text NOT NULL CHECK (status IN ('filled', 'rejected')),
  reject_reason   text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fills (
  id              bigserial PRIMARY KEY,
  order_id        bigint NOT NULL UNIQUE REFERENCES orders (id),
  client_order_id text NOT NULL UNIQUE,
  bot_id          text NOT NULL REFERENCES accounts (bot_id),
  cycle           integer NOT NULL,
  symbol          text NOT NULL,
  side            text NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity        numeric(28, 8) NOT NULL CHECK (quantity > 0),
  price           numeric(28, 8) NOT NULL CHECK (price > 0),
  fee             numeric(28, 8) NOT NULL CHECK (fee >= 0),
  realized_pnl    numeric(28, 8) NOT NULL,
  cash_after      numeric(28, 8) NOT NULL CHECK (cash_after >= 0),
  filled_at       timestamptz NOT NULL
);
CREATE INDEX fills_by_bot ON fills (bot_id, id);

-- What each cycle saw, decided and did: written by the learning phase, idempotently per (bot, cycle).
CREATE TABLE cycle_journal (
  bot_id           text NOT NULL REFERENCES accounts (bot_id),
  cycle            integer NOT NULL,
  workflow_id      text NOT NULL,
  data_source      text NOT NULL,
  data_age_seconds numeric NOT NULL,
  price            numeric(28, 8) NOT NULL,
  decision         jsonb NOT NULL,
  verdict          jsonb NOT NULL,
  execution        jsonb,
  cash             numeric(28, 8) NOT NULL,
  equity           numeric(28, 8) NOT NULL,
  realized_pnl     numeric(28, 8) NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, cycle)
);

-- Down Migration
DROP TABLE cycle_journal;
DROP TABLE fills;
DROP TABLE orders;
DROP TABLE positions;
DROP TABLE accounts;
