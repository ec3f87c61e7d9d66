import { Worker } from 'node:worker_threads';
import { threadHeaps } from '../../src/runtime/processStats';

// The soak reads the workflow thread's heap, which process.memoryUsage() leaves out, from a diagnostic report.

const MB = 1024 * 1024;

it("sums the worker threads' heaps, so a thread that holds 40 MB shows up in them", async () => {
  const before = threadHeaps()?.total ?? 0;
  const thread = new Worker(
    `const { parentPort } = require('node:worker_threads');
     globalThis.kept = Array.from({ length: 40 }, () => new Array(MB_WORDS).fill(0.5));
     parentPort.postMessage('holding');
     setInterval(() => undefined, 1000);`.replace('MB_WORDS', String(MB / 8)),
    { eval: true },
  );
  try {
    await new Promise((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
    const heaps = threadHeaps();
    expect(heaps).not.toBeNull();
    expect(heaps!.used).toBeGreaterThan(35 * MB);
    expect(heaps!.total).toBeGreaterThanOrEqual(heaps!.used);
    expect(heaps!.total - before).toBeGreaterThan(35 * MB);
    // Arrays of 1 MB live in V8's large-object space: neither the new space nor the old space holds them.
    expect(heaps!.newSpace).toBeGreaterThan(0);
    expect(heaps!.oldSpace).toBeGreaterThan(0);
    expect(heaps!.newSpace + heaps!.oldSpace).toBeLessThan(heaps!.total - 35 * MB);
  } finally {
    await thread.terminate();
  }
});
