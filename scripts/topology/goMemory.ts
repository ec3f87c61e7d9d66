// The Temporal server is a Go program: its RSS is Go's heap plus what Go holds back from the OS, stacks, the
// runtime's own structures and (the dev server) SQLite's C heap. Its Prometheus endpoint reports Go's figures
// (`memory_*` gauges, the same for every service label of one process), which tell a growing live heap from
// memory Go has freed and not yet returned: the soak's RSS alone cannot (docs/soak/README.md, 60 minutes).

/** Go's heap, in bytes, from the server's own runtime statistics. */
export interface GoMemory {
  /** Bytes in spans holding objects (`memory_heapinuse`): a leak in the server raises this. */
  inUse: number;
  /** In use, plus idle spans not yet returned to the OS (`heapidle - heapreleased`): Go's heap's share of RSS. */
  held: number;
}

const GAUGES = ['memory_heapinuse', 'memory_heapidle', 'memory_heapreleased'] as const;

/** The first value of each gauge in a Prometheus text exposition; null when any is missing or not a number. */
export function parseGoMemory(text: string): GoMemory | null {
  const value = (gauge: string): number | null => {
    const line = new RegExp(`^${gauge}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
    const n = line ? Number(line[1]) : NaN;
    return Number.isFinite(n) && n >= 0 ? n : null;
  };
  const [inUse, idle, released] = GAUGES.map(value);
  if (inUse === null || idle === null || released === null) return null;
  return { inUse, held: inUse + Math.max(0, idle - released) };
}

/**
 * Reads the figures from the server's metrics endpoint; null when it does not answer in time or says something
 * else: a sample without them, never a failed run, and never a sampler stalled on a slow endpoint.
 */
export async function readGoMemory(metricsUrl: string, timeoutMs = 5_000): Promise<GoMemory | null> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    return parseGoMemory(await res.text());
  } catch {
    return null;
  }
}
