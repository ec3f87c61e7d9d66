import v8 from 'node:v8';

// The SDK runs workflow code in a worker thread with a V8 heap of its own, which process.memoryUsage() does not
// see. Both settings here are V8 flags, process-wide, that an isolate reads when it is created: the worker sets
// them before the SDK starts that thread (the main isolate, created earlier, keeps its own).

// On a 24 GiB machine V8 let the thread's heap grow to 90-240 MB between full collections although only ~55 MB
// was live (20 bots at 5 s, `node --trace-gc`, docs/soak/README.md), and the worker's RSS swung by 100-200 MB with
// it. A growing factor of 1 + percent/100 collects at that multiple of the live heap instead: RSS follows what is
// live, at the price of more frequent (mostly incremental, 10-70 ms) full collections.

/** V8's `--heap-growing-percent` for every isolate of this process; 0 leaves V8's own heuristics. */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

// V8 also resizes each young generation (two semi-spaces) with the allocation rate, both ways within minutes:
// Node diagnostic reports every 30 s showed the thread's new space at 34, 17 and 1 MB in turn (docs/soak/README.md,
// "Where the steps come from"), and each regrowth touches fresh pages that the RSS keeps. One fixed size removes
// that resizing: 16 MB is V8's own largest on 64-bit, where a busy thread ends up anyway.

/** The sizes V8 takes as they are: it rounds a semi-space to a power of two (MB). */
export const SEMI_SPACE_SIZES: readonly number[] = [0, 1, 2, 4, 8, 16, 32, 64];

/** V8's `--min-semi-space-size` and `--max-semi-space-size`, both `mb`, for isolates created after; 0: V8's own. */
export function fixYoungGeneration(mb: number): void {
  if (mb === 0) return;
  v8.setFlagsFromString(`--min-semi-space-size=${mb}`);
  v8.setFlagsFromString(`--max-semi-space-size=${mb}`);
}
