import { CRASH_POINTS_ENV } from '../../src/chaos/crashPoints';
import { fleetEnv } from '../soak/fleet';

// The bots a chaos campaign trades with: they trade nearly every cycle (the `quicktest` strategy buys when flat
// and sells when holding), every 1 or 2 seconds, with fees and slippage so that the ledger check has cents to
// get wrong. Even-numbered bots use the scripted quicktest market (no I/O before the order), odd-numbered ones
// live data from the Alpha Vantage stand-in (its hangs and failures reach them).

export interface ChaosBot {
  id: string;
  symbol: string;
  marketDataMode: 'quicktest' | 'live';
  intervalSeconds: number;
  cyclesPerRun: number;
  strategy: { name: 'quicktest'; params: { quantity: number } };
  broker: { feeBps: number; slippageBps: number };
  risk: Record<string, number>;
}

/** No new entry on live data older than this (the risk check's maxDataAgeSeconds): invariant 8 checks it. */
export const LIVE_MAX_DATA_AGE_SECONDS = 20;

const LIVE_SYMBOLS = [
  { symbol: 'BTC/USD', quantity: 0.01 },
  { symbol: 'ETH/USD', quantity: 0.2 },
];

/** Bot number `index` (0-based) of a campaign, under `id`. */
export function chaosBot(index: number, id: string): ChaosBot {
  const live = index % 2 === 1;
  const { symbol, quantity } = live ? LIVE_SYMBOLS[Math.floor(index / 2) % LIVE_SYMBOLS.length] : LIVE_SYMBOLS[0];
  return {
    id,
    symbol,
    marketDataMode: live ? 'live' : 'quicktest',
    intervalSeconds: live ? 2 : 1,
    // Continue-as-new often, so signals and faults also land on run boundaries.
    cyclesPerRun: 40,
    strategy: { name: 'quicktest', params: { quantity } },
    broker: { feeBps: 10, slippageBps: 5 },
    // Keep trading through the campaign: no cool-down after a stop-loss, no halt on a bad day or drawdown.
    risk: {
      stopLossCooldownMinutes: 0,
      maxDailyLossFraction: 0.5,
      maxDrawdownFraction: 0.5,
      ...(live ? { maxDataAgeSeconds: LIVE_MAX_DATA_AGE_SECONDS } : {}),
    },
  };
}

export function initialBotId(index: number, mode: ChaosBot['marketDataMode']): string {
  return `${mode === 'live' ? 'live' : 'qt'}${index + 1}`;
}

export function initialFleet(count: number): ChaosBot[] {
  return Array.from({ length: count }, (_, i) => chaosBot(i, initialBotId(i, i % 2 === 1 ? 'live' : 'quicktest')));
}

/** The k-th bot created in the middle of the campaign (1-based), numbered after the initial ones. */
export function lateBot(k: number, initialCount: number): ChaosBot {
  const index = initialCount + k - 1;
  return chaosBot(index, `new${k}-${index % 2 === 1 ? 'live' : 'qt'}`);
}

/** Worker and API environment: the soak's short market-data TTLs, shorter timeouts, and the crash points. */
export function chaosEnv(crashPointsSetting: string): Record<string, string> {
  return {
    ...fleetEnv(2),
    TEMPORAL_TASK_QUEUE: 'ooda-chaos',
    ALPHAVANTAGE_TIMEOUT_SECONDS: '5',
    WORKER_SHUTDOWN_GRACE_SECONDS: '5',
    [CRASH_POINTS_ENV]: crashPointsSetting,
  };
}
