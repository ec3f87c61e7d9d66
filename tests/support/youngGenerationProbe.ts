import { Worker } from 'node:worker_threads';
import { fixYoungGeneration } from '../../src/runtime/workflowHeap';

// Run as a child process (tests/unit/workflowHeap.test.ts): applies fixYoungGeneration(<mb>), starts an idle
// worker thread, as the SDK starts its workflow thread, and prints what its new space holds: one semi-space
// until it is busy (V8 commits the other when it first scavenges).

interface ReportedThread {
  header: { threadId: number };
  javascriptHeap: { heapSpaces: { new_space: { memorySize: number } } };
}

fixYoungGeneration(Number(process.argv[2]));
// The interval keeps the thread alive: a thread that ran out of work is gone from the report.
const worker = new Worker(`require('node:worker_threads').parentPort.postMessage('up'); setInterval(() => {}, 1000)`, {
  eval: true,
});
worker.once('message', () => {
  // This thread's entry only: tsx's module loader runs in a worker thread of its own, started before the flags.
  const report = process.report.getReport() as unknown as { workers: ReportedThread[] };
  const mine = report.workers.find((w) => w.header.threadId === worker.threadId);
  if (!mine) throw new Error(`thread ${worker.threadId} is not in the diagnostic report`);
  const bytes = mine.javascriptHeap.heapSpaces.new_space.memorySize;
  process.stdout.write(JSON.stringify({ newSpaceMb: bytes / 1048576 }) + '\n');
  void worker.terminate();
});
