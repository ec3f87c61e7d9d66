import { type BotConfig, botConfigChangeSchema, resolveBotConfig } from '../domain/botConfig';
import { resolveRiskLimits } from './risk/limits';
import { validateStrategyConfig } from './strategies';

/**
 * A bot config that can trade: the schema (ZodError), then what only the trading code knows, strategy names
 * and params (UnknownStrategyError, InvalidStrategyParamsError) and risk limit keys (InvalidRiskLimitsError).
 */
export function tradableBotConfig(input: unknown, defaultMode: BotConfig['marketDataMode']): BotConfig {
  const config = resolveBotConfig(input, { marketDataMode: defaultMode });
  validateStrategyConfig(config.strategy.name, config.strategy.params);
  resolveRiskLimits(config.risk);
  return config;
}

/** The config after `change` (botConfigChangeSchema), checked as a new one would be; throws as tradableBotConfig. */
export function changedBotConfig(current: BotConfig, change: unknown): BotConfig {
  const patch = botConfigChangeSchema.parse(change);
  return tradableBotConfig({ ...current, ...patch }, current.marketDataMode);
}
