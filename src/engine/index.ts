// The bot's state machine: pure functions of (state, input, config) -> { output, nextState, explanation }.
// The live cycle's phase activities are thin shells around them; the backtest and the what-if replay them.
export {
  botTradingStateOf,
  concludeCycle,
  countFillOfFailedCycle,
  newBotTradingState,
  resumeTrading,
  withRiskMemory,
} from './botState';
export { checkRisk, type CheckRiskInput } from './checkRisk';
export { simulateCycle, type SimulatedCycle } from './cycle';
export { decide, type DecideInput } from './decide';
export { learn, learnStatistics, riskOutcomeOf, type CycleOutcome } from './learn';
export { equityAt, initialTradingState, replayObservations, type ReplayRun } from './replay';
export { portfolioOf, simulateFill, startingHoldings } from './simulatedBroker';
export { observationOf } from './observation';
export {
  engineConfigOf,
  type BotTradingState,
  type EngineConfig,
  type Observation,
  type Step,
  type TradingState,
} from './types';
