import { readFile } from 'node:fs/promises';
import pidusage from 'pidusage';
import { readGoMemory } from './goMemory';
import { requestStats } from './nodeProcess';
import { isAlive, type OwnedProcess, type RoleName } from './ownedProcess';
import { postgresFamily } from './postgresProcess';

// One resource sample per live process: RSS and CPU from the OS (pidusage), and for the app's node processes
// the V8 heap, which only the process itself can report (over IPC); for a Temporal server the launcher runs, Go's
// heap, from its metrics endpoint.

export interface ProcessSample {
  name: RoleName;
  pid: number;
  /** ms since the epoch. */
  at: number;
  /** For Postgres: the postmaster and all its children, summed (each backend is its own process). */
  rssBytes: number;
  /**
   * Anonymous memory (the processes' own heaps, stacks and malloc arenas: no file pages, no shared memory
   * segment) from /proc/<pid>/smaps_rollup, `Pss_Anon` where the kernel has it (copy-on-write pages a backend
   * shares with the postmaster are counted once, not once per backend), else `Anonymous`; summed over the
   * pids that could be read; null when none could (not Linux, or another user's Postgres). A leak shows here.
   * For Postgres it leaves out the shared buffer pool, which every backend's RSS counts again for each page it
   * touched.
   */
  anonBytes?: number | null;
  /** Percent of one core since the previous sample of the same pids (pidusage), summed like rssBytes. */
  cpuPercent: number;
  /** Every pid summed into this sample. */
  pids: number[];
  /** Node processes only; null when the IPC request timed out. */
  heapUsed?: number | null;
  heapTotal?: number | null;
  /** True when heapUsed was read right after a full collection (sampleAll's `collectHeap`): the live heap. */
  heapCollected?: boolean;
  /** The main isolate's new space (src/runtime/processStats.ts). */
  newSpace?: number;
  /** The worker threads' heaps (the workflow thread's, in a worker), read with the collected samples only. */
  threadHeapUsed?: number;
  threadHeapTotal?: number;
  /** Of threadHeapTotal, V8's new space and old space (src/runtime/processStats.ts). */
  threadNewSpace?: number;
  threadOldSpace?: number;
  /** The Temporal server's Go heap (goMemory.ts), read with the collected samples when its endpoint answers. */
  goHeapInUse?: number;
  goHeapHeld?: number;
}

/** Where the sampler reads what only a process itself can tell. */
export interface SampleSources {
  /** The owned Temporal server's Prometheus endpoint (`http://host:port/metrics`). */
  temporalMetricsUrl?: string;
}

interface Usage {
  rssBytes: number;
  anonBytes?: number | null;
  cpuPercent: number;
  pids: number[];
}

async function usage(pids: number[]): Promise<Usage> {
  // A backend can exit between listing and sampling; pidusage then fails the whole batch, so sample one by one.
  const stats = await Promise.allSettled(pids.map((pid) => pidusage(pid)));
  const ok = stats.flatMap((s, i) => (s.status === 'fulfilled' ? [{ pid: pids[i], stat: s.value }] : []));
  const anon = await Promise.all(ok.map((s) => anonymousBytes(s.pid)));
  return {
    rssBytes: ok.reduce((sum, s) => sum + s.stat.memory, 0),
    anonBytes: anon.every((a) => a === null) ? null : anon.reduce<number>((sum, a) => sum + (a ?? 0), 0),
    cpuPercent: ok.reduce((sum, s) => sum + s.stat.cpu, 0),
    pids: ok.map((s) => s.pid),
  };
}

/** The `Pss_Anon:` (else `Anonymous:`) line of /proc/<pid>/smaps_rollup, in bytes; null when unreadable. */
async function anonymousBytes(pid: number): Promise<number | null> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (/^Pss_Anon:\s+(\d+) kB/m.exec(text) ?? /^Anonymous:\s+(\d+) kB/m.exec(text))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

export async function sampleProcess(
  p: OwnedProcess,
  collectHeap = false,
  sources: SampleSources = {},
): Promise<ProcessSample | null> {
  if (p.exit || !isAlive(p.pid)) return null;
  const at = Date.now();
  const isNode = p.name === 'api' || p.name.startsWith('worker-');
  const goMetricsUrl = p.name === 'temporal' && collectHeap ? sources.temporalMetricsUrl : undefined;
  const [os, stats, go] = await Promise.all([
    usage(p.name === 'postgres' ? postgresFamily(p.pid) : [p.pid]),
    isNode ? requestStats(p, { collect: collectHeap }) : Promise.resolve(null),
    goMetricsUrl ? readGoMemory(goMetricsUrl) : Promise.resolve(null),
  ]);
  if (os.pids.length === 0) return null;
  const sample: ProcessSample = { name: p.name, pid: p.pid, at, ...os };
  if (isNode) {
    sample.heapUsed = stats?.heapUsed ?? null;
    sample.heapTotal = stats?.heapTotal ?? null;
    if (stats?.collected) sample.heapCollected = true;
    if (stats) sample.newSpace = stats.newSpace;
    if (typeof stats?.threadHeapTotal === 'number') {
      sample.threadHeapUsed = stats.threadHeapUsed;
      sample.threadHeapTotal = stats.threadHeapTotal;
      sample.threadNewSpace = stats.threadNewSpace;
      sample.threadOldSpace = stats.threadOldSpace;
    }
  }
  if (go) Object.assign(sample, { goHeapInUse: go.inUse, goHeapHeld: go.held });
  return sample;
}

/**
 * `collectHeap`: the node processes collect garbage before they report their heap (a pause of tens of ms), and
 * the Temporal server's Go heap is read (once a minute in the soak: its endpoint renders every metric it has).
 */
export async function sampleAll(
  processes: OwnedProcess[],
  collectHeap = false,
  sources: SampleSources = {},
): Promise<ProcessSample[]> {
  const samples = await Promise.all(processes.map((p) => sampleProcess(p, collectHeap, sources)));
  return samples.filter((s): s is ProcessSample => s !== null);
}

/** pidusage keeps per-pid history behind a timer: drop it when the run ends. */
export function clearSamplerHistory(): void {
  pidusage.clear();
}
