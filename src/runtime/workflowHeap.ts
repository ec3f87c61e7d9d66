import v8 from 'node:v8';

// The SDK runs workflow code in a worker thread with a V8 heap of its own, which process.memoryUsage() does not
// see. Both settings here are V8 flags, process-wide, that the worker sets before the SDK starts that thread.

// On a 24 GiB machine V8 let the thread's heap grow to 90-240 MB between full collections although only ~55 MB
// was live (20 bots at 5 s, `node --trace-gc`, docs/soak/README.md), and the worker's RSS swung by 100-200 MB with
// it. A growing factor of 1 + percent/100 collects at that multiple of the live heap instead: RSS follows what is
// live, at the price of more frequent (mostly incremental, 10-70 ms) full collections.

/** V8's `--heap-growing-percent`, read at every full GC by every isolate of the process; 0: V8's own heuristics. */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

// V8 also resizes each new space (two semi-spaces) with the allocation rate, both ways within minutes: Node
// diagnostic reports every 30 s showed the thread's at 32, 16 and 1 MiB in turn (docs/soak/README.md, "Where the
// steps come from"), and each regrowth touches fresh pages that the RSS keeps. One fixed size removes that
// resizing: 16 MiB semi-spaces are V8's own largest on 64-bit, where a busy thread ends up anyway. An isolate
// reads these flags when it is created, so the worker's main isolate, created before, keeps V8's sizing. Node's
// command line would reach it (NODE_OPTIONS refuses --min-semi-space-size), but flags there bind every isolate, the
// thread's too, whatever WORKER_SEMI_SPACE_MB says; and a full collection at a low allocation rate still halves a
// fixed new space (tried and reverted, docs/soak/README.md, "The main isolate's young generation").

/** The sizes V8 takes as they are (MiB): it rounds the largest semi-space up to a power of two, not the least. */
export const SEMI_SPACE_SIZES: readonly number[] = [0, 1, 2, 4, 8, 16, 32, 64];

/** V8's `--min-semi-space-size` and `--max-semi-space-size`, both `mb`, for isolates created after; 0: V8's own. */
export function fixYoungGeneration(mb: number): void {
  if (mb === 0) return;
  v8.setFlagsFromString(`--min-semi-space-size=${mb}`);
  v8.setFlagsFromString(`--max-semi-space-size=${mb}`);
}
