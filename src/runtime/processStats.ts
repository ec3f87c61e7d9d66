import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

// When a launcher (scripts/topology) spawns the worker or the API with an IPC channel, it asks for heap figures
// that only the process itself can read, and the channel tells the child when its launcher is gone.

/** What the launcher sends. */
export interface StatsRequest {
  type: 'stats?';
  /**
   * Run a full garbage collection first, so that heapUsed is what is live: between collections V8's heap is a
   * sawtooth whose crest and trough differ by a third or more, and a leak raises only the troughs.
   */
  collect?: boolean;
}

/** What the child answers, from process.memoryUsage(); bytes, `at` in ms since the epoch. */
export interface StatsReport {
  type: 'stats';
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  at: number;
  /** True when a full collection ran just before these figures were read. */
  collected: boolean;
  /**
   * The main isolate's new space (both semi-spaces, space_size), read before any collection this request asks for:
   * V8 resizes it with the allocation rate, and a full collection at a low rate halves it (docs/soak/README.md).
   */
  newSpace: number;
  /**
   * The worker threads' V8 heaps (the SDK runs workflow code in one), summed: used and committed bytes, as they
   * stand (no collection: only the thread itself could run one). Read on `collect` requests only, from
   * process.report, which pauses each thread for a moment; absent when the process has no worker thread.
   */
  threadHeapUsed?: number;
  threadHeapTotal?: number;
  /** Of threadHeapTotal, V8's new space and old space (each space's memorySize): which one moved. */
  threadNewSpace?: number;
  threadOldSpace?: number;
}

export function isStatsRequest(message: unknown): message is StatsRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'stats?';
}

export function isStatsReport(message: unknown): message is StatsReport {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'stats';
}

let gc: (() => void) | undefined;

/** V8's full collection, without --expose-gc on the command line: the flag set now exposes it to new contexts. */
function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

interface ReportedHeap {
  usedMemory?: number;
  totalMemory?: number;
  heapSpaces?: Record<string, { memorySize?: number } | undefined>;
}

export interface ThreadHeaps {
  used: number;
  total: number;
  newSpace: number;
  oldSpace: number;
}

/** The worker threads' heaps from a diagnostic report (Node includes one per live worker thread); null if none. */
export function threadHeaps(): ThreadHeaps | null {
  const report = process.report?.getReport() as { workers?: { javascriptHeap?: ReportedHeap }[] } | undefined;
  const heaps = (report?.workers ?? []).flatMap((w) => (w.javascriptHeap ? [w.javascriptHeap] : []));
  if (heaps.length === 0) return null;
  const sum = (read: (h: ReportedHeap) => number | undefined) => heaps.reduce((total, h) => total + (read(h) ?? 0), 0);
  return {
    used: sum((h) => h.usedMemory),
    total: sum((h) => h.totalMemory),
    newSpace: sum((h) => h.heapSpaces?.new_space?.memorySize),
    oldSpace: sum((h) => h.heapSpaces?.old_space?.memorySize),
  };
}

/** By default a child whose launcher died stops exactly as on SIGTERM: through the handler onShutdown installed. */
const raiseSigterm = () => void process.kill(process.pid, 'SIGTERM');

/**
 * Answers `{ type: 'stats?' }` over the IPC channel, when there is one (no-op otherwise). The channel never
 * keeps the process alive, and its 'disconnect' (the parent died or let go) calls `onParentGone`.
 */
export function answerStatsRequests(opts: { onParentGone?: () => void } = {}): void {
  if (!process.send) return;
  process.on('message', (message: unknown) => {
    if (!isStatsRequest(message) || !process.connected) return;
    const collected = message.collect === true;
    const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
    if (collected) collectGarbage();
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    const at = Date.now();
    const report: StatsReport = { type: 'stats', rss, heapUsed, heapTotal, external, at, collected, newSpace };
    const threads = collected ? threadHeaps() : null;
    if (threads) {
      Object.assign(report, {
        threadHeapUsed: threads.used,
        threadHeapTotal: threads.total,
        threadNewSpace: threads.newSpace,
        threadOldSpace: threads.oldSpace,
      });
    }
    // A callback, so a channel that closed meanwhile drops the answer instead of raising an 'error' event.
    process.send?.(report, undefined, {}, () => undefined);
  });
  process.on('disconnect', opts.onParentGone ?? raiseSigterm);
  // Listening for 'message' refs the channel; an explicit unref wins over that, so shutdown is never held up.
  process.channel?.unref();
}
