-- Up Migration
-- Each bot's running statistics (the learning phase's accumulator, plain JSON), kept beside the journal it
-- summarises instead of travelling through every cycle's workflow history. Rebuilt from the journal when missing.
CREATE TABLE bot_learning (
  bot_id      text PRIMARY KEY REFERENCES accounts (bot_id),
  last_cycle  integer NOT NULL,
  accumulator jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE bot_learning;
