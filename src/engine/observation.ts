import type { IsoTime, MarketSnapshot } from '../domain/types';
import type { Observation } from './types';

/** A live cycle's snapshot as the state machine's observation, at the phase's clock. */
export function observationOf(snapshot: MarketSnapshot, cycle: number, now: IsoTime): Observation {
  return {
    cycle,
    now,
    price: snapshot.price,
    closes: snapshot.closes,
    sentiment: snapshot.sentiment,
    source: snapshot.source,
    ageSeconds: snapshot.ageSeconds,
  };
}
