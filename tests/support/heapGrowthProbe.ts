import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { boundHeapGrowth } from '../../src/runtime/workflowHeap';

// Run as a child process (tests/unit/workflowHeap.test.ts): applies boundHeapGrowth(<percent>), then a worker
// thread, as the SDK's workflow thread is, keeps ~40 MB live while it allocates garbage, and prints the most its
// heap used. Without the bound, V8 lets garbage pile up to several times the live size before a full GC.

const THREAD = `
const v8 = require('node:v8');
const { parentPort } = require('node:worker_threads');
const live = Array.from({ length: 300_000 }, (_, i) => ({ i, s: 'live' + i }));
let maxUsed = 0;
// Garbage that outlives a few scavenges, so it is promoted and dies in the old generation, as a workflow's does.
const ring = new Array(200).fill(null);
for (let round = 0; round < 6000; round++) {
  ring[round % ring.length] = Array.from({ length: 500 }, (_, i) => ({ round, i, s: 'g' + i }));
  if (round % 10 === 0) maxUsed = Math.max(maxUsed, v8.getHeapStatistics().used_heap_size);
}
parentPort.postMessage({ live: live.length, maxUsedMb: maxUsed / 1048576 });
`;

boundHeapGrowth(Number(process.argv[2]));
const worker = new Worker(THREAD, { eval: true });
worker.once('message', (m) => {
  process.stdout.write(JSON.stringify({ ...m, mainHeapMb: v8.getHeapStatistics().used_heap_size / 1048576 }) + '\n');
  void worker.terminate();
});
