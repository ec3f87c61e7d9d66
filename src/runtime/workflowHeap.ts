import v8 from 'node:v8';

// The SDK runs workflow code in a worker thread with a V8 heap of its own, which process.memoryUsage() does not
// see. On a 24 GiB machine V8 let that heap grow to 90-240 MB between full collections although only ~55 MB was
// live (20 bots at 5 s, `node --trace-gc`, docs/soak/README.md), and the worker's RSS swung by 100-200 MB with
// it. A growing factor of 1 + percent/100 collects at that multiple of the live heap instead: RSS follows what is
// live, at the price of more frequent (mostly incremental, 10-70 ms) full collections.

/** V8's `--heap-growing-percent` for every isolate of this process; 0 leaves V8's own heuristics. */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
