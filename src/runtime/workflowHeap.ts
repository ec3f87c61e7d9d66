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
// reads these flags when it is created: the worker sets them for the workflow thread before the SDK starts it, and
// the main isolate, created before any code runs, takes them from node's command line only (NODE_OPTIONS refuses
// --min-semi-space-size). The launcher passes them (scripts/topology/nodeRoles.ts); `npm start`, `npm run worker`,
// the image and the compose file pass the default's (tests/unit/workerCommandLines.test.ts holds them to it).

/** The sizes V8 takes as they are (MiB): it rounds the largest semi-space up to a power of two, not the least. */
export const SEMI_SPACE_SIZES: readonly number[] = [0, 1, 2, 4, 8, 16, 32, 64];

/** V8's `--min-semi-space-size` and `--max-semi-space-size`, both `mb`; none for 0 (V8's own sizing). */
export function youngGenerationFlags(mb: number): string[] {
  return mb === 0 ? [] : [`--min-semi-space-size=${mb}`, `--max-semi-space-size=${mb}`];
}

/** Sets youngGenerationFlags(mb) for the isolates created after: the workflow thread's. */
export function fixYoungGeneration(mb: number): void {
  for (const flag of youngGenerationFlags(mb)) v8.setFlagsFromString(flag);
}

/** Of youngGenerationFlags(mb), those node was not started with: the main isolate keeps V8's sizing without them. */
export function missingFromCommandLine(mb: number, execArgv: readonly string[] = process.execArgv): string[] {
  return youngGenerationFlags(mb).filter((flag) => !execArgv.includes(flag));
}
