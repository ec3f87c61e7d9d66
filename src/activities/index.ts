import { makeAccountActivities } from './account';
import type { ActivityDeps } from './deps';
import { makeExecutionActivities } from './execution';
import { makeLearningActivities } from './learning';
import { makeMarketDataActivities } from './marketData';
import { makePerceptionActivities } from './perception';
import { makeReasoningActivities } from './reasoning';
import { makeRiskActivities } from './riskCheck';

export type { ActivityDeps, MarketDataTtl, PerceptionRequest } from './deps';
export type { CachePlan, FetchedMarketData, MarketDataKind } from './marketData';

/** Built once per worker from its dependencies; workflows see only the type (`import type`). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...makeAccountActivities(deps),
    ...makePerceptionActivities(deps),
    ...makeMarketDataActivities(deps),
    ...makeReasoningActivities(deps),
    ...makeRiskActivities(deps),
    ...makeExecutionActivities(deps),
    ...makeLearningActivities(deps),
  };
}

export type OodaActivities = ReturnType<typeof createActivities>;
