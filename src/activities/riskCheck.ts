import { ApplicationFailure } from '@temporalio/activity';
import type { BotConfig } from '../domain/botConfig';
import type { Decision, MarketSnapshot, PortfolioSummary, RiskVerdict } from '../domain/types';
import { type BotTradingState, checkRisk, engineConfigOf, observationOf } from '../engine';
import { InvalidRiskLimitsError } from '../trading/risk';
import type { ActivityDeps } from './deps';

export interface RiskCheckInput {
  config: BotConfig;
  cycle: number;
  /** The price and its provenance; its closes are not needed here and may be left out. */
  snapshot: MarketSnapshot;
  decision: Decision;
  /** The bot's trading state as the bot carries it (no risk memory before its first judged cycle). */
  state: BotTradingState;
  /** The ledger's portfolio as the bot last read it (the bot is its account's only writer). */
  portfolio: PortfolioSummary;
}

export interface RiskCheckResult {
  verdict: RiskVerdict;
  /** The state after the check: the risk memory started on a bot's first cycle, else as it came in. */
  state: BotTradingState;
}

export function makeRiskActivities({ now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * The gatekeeper: the state machine's `checkRisk` (src/engine), every risk rule judging the decision. Pure
     * computation (it runs as a local activity).
     */
    // eslint-disable-next-line @typescript-eslint/require-await -- activities are async by contract
    async checkRisk(input: RiskCheckInput): Promise<RiskCheckResult> {
      try {
        const observation = observationOf(input.snapshot, input.cycle, now().toISOString());
        const { decision, portfolio } = input;
        const judged = checkRisk(input.state, { observation, decision, portfolio }, engineConfigOf(input.config));
        return { verdict: judged.output, state: judged.nextState };
      } catch (err) {
        if (err instanceof InvalidRiskLimitsError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidConfig');
        throw err;
      }
    },
  };
}
