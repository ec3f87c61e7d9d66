import { makeAccountActivities } from './account';
import { makeAlphaVantageActivities } from './alphaVantageFetch';
import { makeCachePerceptionActivities } from './cachePerception';
import type { ActivityDeps } from './deps';
import { makeExecutionActivities } from './execution';
import { makeLearningActivities } from './learning';
import { makeSyntheticPerceptionActivities } from './syntheticPerception';
import { makeReasoningActivities } from './reasoning';
import { makeRiskActivities } from './riskCheck';

export type { ActivityDeps, MarketDataTtl, PerceptionRequest } from './deps';
export type { CachePlan, FetchedMarketData, MarketDataKind } from './cachePerception';

/** Built once per worker from its dependencies; workflows see only the type (`import type`). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...makeAccountActivities(deps),
    ...makeSyntheticPerceptionActivities(deps),
    ...makeCachePerceptionActivities(deps),
    ...makeAlphaVantageActivities(deps),
    ...makeReasoningActivities(deps),
    ...makeRiskActivities(deps),
    ...makeExecutionActivities(deps),
    ...makeLearningActivities(deps),
  };
}

export type OodaActivities = ReturnType<typeof createActivities>;
