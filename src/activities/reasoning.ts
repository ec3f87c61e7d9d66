import { ApplicationFailure } from '@temporalio/activity';
import type { BotConfig } from '../domain/botConfig';
import type { Decision, MarketSnapshot, PortfolioSummary } from '../domain/types';
import { type BotTradingState, decide, engineConfigOf, observationOf } from '../engine';
import type { ActivityDeps } from './deps';

export interface ReasoningInput {
  config: BotConfig;
  cycle: number;
  snapshot: MarketSnapshot;
  /** The ledger's portfolio as the bot last read it (the bot is its account's only writer). */
  portfolio: PortfolioSummary;
  /** The bot's trading state; `decide` reads its sizing. */
  state: BotTradingState;
}

export function makeReasoningActivities({ now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * Orient and decide: the state machine's `decide` (src/engine), the one the backtest and the what-if run.
     * Pure computation (it runs as a local activity): no I/O.
     */
    // eslint-disable-next-line @typescript-eslint/require-await -- activities are async by contract
    async decide(input: ReasoningInput): Promise<Decision> {
      try {
        const observation = observationOf(input.snapshot, input.cycle, now().toISOString());
        return decide(input.state, { observation, portfolio: input.portfolio }, engineConfigOf(input.config)).output;
      } catch (err) {
        throw ApplicationFailure.nonRetryable(`reasoning failed: ${(err as Error).message}`, 'InvalidConfig');
      }
    },
  };
}
