import { spawnSync } from 'node:child_process';
import path from 'node:path';

// boundHeapGrowth (src/runtime/workflowHeap.ts), applied as the worker applies it: before a worker thread starts.
// The probe keeps ~40 MB live in a worker thread while garbage is promoted and dies, and reports the most the
// thread's heap used; each setting runs in a fresh process, since V8 flags are per process.

const PROBE = path.join(__dirname, '..', 'support', 'heapGrowthProbe.ts');

function peakHeapMb(percent: number): number {
  const run = spawnSync(process.execPath, ['--import', 'tsx', PROBE, String(percent)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`probe ${percent} exited ${run.status}: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { maxUsedMb: number }).maxUsedMb;
}

describe('the workflow thread heap bound', () => {
  it('collects a worker thread near 1.5x its live heap, where V8 alone lets garbage reach several times it', () => {
    const unbounded = peakHeapMb(0);
    const bounded = peakHeapMb(50);
    // Seen: 167-175 MB unbounded, 76 MB bounded.
    expect(bounded).toBeLessThan(110);
    expect(bounded).toBeLessThan(unbounded * 0.7);
  });
});
