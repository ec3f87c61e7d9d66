import { z } from 'zod';

// A bot's config: validated once where it enters (API, start-up), then carried as plain JSON through
// workflow state, continue-as-new and cycle inputs.

export const BOT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** A bot id; "-cycle-" is reserved, or bot "a-cycle-5" would be named like bot "a"'s cycle 5 workflow. */
export function isValidBotId(id: string): boolean {
  return BOT_ID_PATTERN.test(id) && !id.includes('-cycle-');
}
export const SYMBOL_PATTERN = /^[A-Z0-9]{2,10}\/[A-Z]{3,5}$/;

/** What the ledger's NUMERIC(28,8) holds exactly: up to 20 integer digits and 8 decimals, above zero. */
const cashString = z
  .string()
  .regex(/^\d{1,20}(\.\d{1,8})?$/, 'must be a decimal string such as "10000.00" (at most 20 digits and 8 decimals)')
  .refine((v) => /[1-9]/.test(v), 'must be above zero');

export const brokerCostsSchema = z
  .object({
    feeBps: z.number().min(0).max(1000),
    slippageBps: z.number().min(0).max(1000),
  })
  .strict();

export const strategyConfigSchema = z
  .object({
    name: z.string().min(1).max(40),
    params: z.record(z.string(), z.number().finite()).default({}),
  })
  .strict();

export const botConfigSchema = z
  .object({
    id: z
      .string()
      .refine(
        isValidBotId,
        'must be 1-40 chars of a-z, 0-9, "-" or "_", starting with a letter or digit, without "-cycle-"',
      ),
    symbol: z.string().regex(SYMBOL_PATTERN, 'must look like BASE/QUOTE, e.g. "BTC/USD"'),
    marketDataMode: z.enum(['quicktest', 'live']),
    intervalSeconds: z.number().min(0.1).max(86_400),
    cyclesPerRun: z.number().int().min(1).max(10_000),
    /** Attempts per Alpha Vantage request (the perception retry policy's maximumAttempts). */
    marketDataMaxAttempts: z.number().int().min(1).max(10),
    /** Market-data circuit breaker: consecutive failed live perceptions that open it, and how long it stays open. */
    breakerThreshold: z.number().int().min(1).max(100),
    breakerCooldownSeconds: z.number().min(1).max(86_400),
    startingCash: cashString,
    strategy: strategyConfigSchema,
    /** Per-bot overrides of the risk gatekeeper's limits (numbers; fractions are 0..1). */
    risk: z.record(z.string(), z.number().finite()),
    broker: brokerCostsSchema,
  })
  .strict();

export type BotConfig = z.infer<typeof botConfigSchema>;

/** What a caller may send: id and symbol, the rest optional. */
export const botConfigInputSchema = botConfigSchema.partial().required({ id: true, symbol: true }).strict();
export type BotConfigInput = z.infer<typeof botConfigInputSchema>;

/**
 * What a config change may set: everything but the bot's identity, its market and its starting cash (its ledger
 * account is bound to them). A field given replaces the current value (`risk` and `strategy` as a whole).
 */
export const botConfigChangeSchema = botConfigSchema
  .omit({ id: true, symbol: true, startingCash: true })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'the change sets no field');
export type BotConfigChange = z.infer<typeof botConfigChangeSchema>;

export const STARTING_CASH = '10000.00';

export function defaultBrokerCosts(mode: BotConfig['marketDataMode']): BotConfig['broker'] {
  // Quicktest reproduces the first milestone to the cent, so it books no fee and no slippage.
  return mode === 'quicktest' ? { feeBps: 0, slippageBps: 0 } : { feeBps: 10, slippageBps: 5 };
}

export function defaultStrategy(mode: BotConfig['marketDataMode']): BotConfig['strategy'] {
  return mode === 'quicktest' ? { name: 'quicktest', params: {} } : { name: 'ma-crossover', params: {} };
}

/** Fills defaults and validates; throws a ZodError that names each bad field. */
export function resolveBotConfig(input: unknown, defaults: { marketDataMode: BotConfig['marketDataMode'] }): BotConfig {
  const given = botConfigInputSchema.parse(input);
  const mode = given.marketDataMode ?? defaults.marketDataMode;
  return botConfigSchema.parse({
    marketDataMode: mode,
    intervalSeconds: mode === 'quicktest' ? 5 : 60,
    cyclesPerRun: 100,
    marketDataMaxAttempts: 3,
    breakerThreshold: 3,
    breakerCooldownSeconds: 300,
    startingCash: STARTING_CASH,
    strategy: defaultStrategy(mode),
    risk: {},
    broker: defaultBrokerCosts(mode),
    ...given,
  });
}
