import type { Client } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import type { CycleHistoryStats } from '../observe/histories';
import { fleet } from '../soak/fleet';
import type { Topology } from '../topology/launcher';
import { createBots, sleepUntil, stopBots } from './api';
import { percentiles, readChildren, readSettledBots, type Percentiles } from './observe';

// Alpha Vantage requests per symbol per day: live bots on ONE symbol, the production TTLs (the topology is
// launched without the soak's short ones), all created at once as a fleet started together would be. The
// stand-in counts every request; each kind is extrapolated to a day as (requests seen) / (TTL periods the
// window spans) x (TTL periods in a day): each expiry of the shared cache costs what the cold start cost.

export type MarketKind = 'price' | 'candles' | 'sentiment';

const KIND_OF: Record<string, MarketKind> = {
  CURRENCY_EXCHANGE_RATE: 'price',
  TIME_SERIES_INTRADAY: 'price',
  DIGITAL_CURRENCY_DAILY: 'candles',
  TIME_SERIES_DAILY: 'candles',
  NEWS_SENTIMENT: 'sentiment',
};

export interface AlphaVantagePoint {
  bots: number;
  symbol: string;
  intervalSeconds: number;
  windowSeconds: number;
  ttlSeconds: Record<MarketKind, number>;
  requestsByFunction: Record<string, number>;
  perKind: {
    kind: MarketKind;
    requests: number;
    perDay: number;
    /** One request per TTL period, as a cache shared with single flight would cost. */
    idealPerDay: number;
  }[];
  perDay: number;
  idealPerDay: number;
  /** The free key's daily quota. */
  quota: number;
  cyclesCompleted: number;
  slotsSkipped: number;
  lagMs: Percentiles;
  botIds: string[];
  children: CycleHistoryStats[];
}

export const FREE_KEY_PER_DAY = 25;
const DAY_SECONDS = 86_400;

export async function runAlphaVantagePoint(
  topology: Topology,
  client: Client,
  spec: { bots: number; intervalSeconds: number; windowSeconds: number },
  tag: string,
  log: (line: string) => void,
): Promise<AlphaVantagePoint> {
  const symbol = 'BTC/USD';
  const ttl = loadConfig({}).alphaVantage.ttl;
  const ttlSeconds: Record<MarketKind, number> = {
    price: ttl.priceSeconds,
    candles: ttl.candlesSeconds,
    sentiment: ttl.sentimentSeconds,
  };
  const bots = fleet(spec.bots, spec.intervalSeconds, `${tag}av`).map((b) => ({ ...b, symbol }));
  const ids = bots.map((b) => b.id);
  const mark = topology.alphaVantage.requests.length;
  log(`alpha vantage: ${spec.bots} live bots on ${symbol} @ ${spec.intervalSeconds}s for ${spec.windowSeconds}s`);
  const created = await createBots(topology.apiUrl, bots, { concurrency: 16 });
  await sleepUntil(created.startedAtMs + spec.windowSeconds * 1000);
  await stopBots(topology.apiUrl, ids);
  const { bots: histories } = await readSettledBots(client, ids, 180_000);
  const windowSeconds = (Date.now() - created.startedAtMs) / 1000;
  const requests = topology.alphaVantage.requests.slice(mark);

  const requestsByFunction: Record<string, number> = {};
  for (const r of requests) requestsByFunction[r.function] = (requestsByFunction[r.function] ?? 0) + 1;
  const perKind = (['price', 'candles', 'sentiment'] as const).map((kind) => {
    const n = requests.filter((r) => KIND_OF[r.function] === kind).length;
    const periods = Math.max(1, Math.ceil(windowSeconds / ttlSeconds[kind]));
    return {
      kind,
      requests: n,
      perDay: Math.round((n / periods) * (DAY_SECONDS / ttlSeconds[kind])),
      idealPerDay: Math.ceil(DAY_SECONDS / ttlSeconds[kind]),
    };
  });
  const cycles = histories.flatMap((h) => h.cycles);
  const done = cycles.filter((c) => c.outcome === 'completed');
  const children = await readChildren(
    client,
    done.map((c) => c.workflowId),
  );
  return {
    bots: spec.bots,
    symbol,
    intervalSeconds: spec.intervalSeconds,
    windowSeconds: Math.round(windowSeconds),
    ttlSeconds,
    requestsByFunction,
    perKind,
    perDay: perKind.reduce((s, k) => s + k.perDay, 0),
    idealPerDay: perKind.reduce((s, k) => s + k.idealPerDay, 0),
    quota: FREE_KEY_PER_DAY,
    cyclesCompleted: done.length,
    slotsSkipped: histories.reduce((s, h) => s + h.skips.reduce((t, k) => t + k.to - k.from + 1, 0), 0),
    lagMs: percentiles(cycles.filter((c) => c.startedAtMs !== null).map((c) => c.startedAtMs! - c.dueAtMs)),
    botIds: ids,
    children,
  };
}
