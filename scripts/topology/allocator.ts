import { existsSync } from 'node:fs';

// The node processes' malloc: the workers' and the API's, as the image preloads it for every process (Dockerfile).
// jemalloc hands the native memory a worker frees (V8's compiler zones, the SDK's core) back to the system within
// seconds, where glibc's allocator keeps it in its arenas. Measured on the same machine and commit, 30 minutes of
// 20 bots at 5 s (docs/soak/README.md, "jemalloc on the workers"): each worker 65-70 MB lower after minute 6
// (335-346 MB against 405-415 MB), at the same CPU and cycle timing. The allocator is chosen when a process starts
// (LD_PRELOAD), so it is the launcher's choice, not the process's.

export type NodeAllocator = 'jemalloc' | 'system';
export const NODE_ALLOCATORS: readonly NodeAllocator[] = ['jemalloc', 'system'];

/** Debian's and Ubuntu's libjemalloc2, and the usual places elsewhere; JEMALLOC_PATH first when set. */
function jemallocCandidates(env: NodeJS.ProcessEnv): string[] {
  const multiarch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch as string];
  return [
    env.JEMALLOC_PATH,
    multiarch && `/usr/lib/${multiarch}-linux-gnu/libjemalloc.so.2`,
    '/usr/lib64/libjemalloc.so.2',
    '/usr/local/lib/libjemalloc.so.2',
    '/usr/lib/libjemalloc.so.2',
  ].filter((p): p is string => Boolean(p));
}

export interface AllocatorChoice {
  /** `inherited`: the launcher's own LD_PRELOAD, passed on. */
  allocator: NodeAllocator | 'inherited';
  /** What the node processes get on top of the app's environment. */
  env: Record<string, string>;
  /** One line for the launcher's log and a report: which allocator, and why. */
  description: string;
}

/**
 * `jemalloc` when asked for, or by default when installed; the system's otherwise. Asked for and missing is an
 * error. An LD_PRELOAD already in the environment (a profiler, say) is left alone: the node processes inherit it.
 */
export function chooseNodeAllocator(
  asked: NodeAllocator | undefined,
  env: NodeJS.ProcessEnv = process.env,
  installed: (file: string) => boolean = existsSync,
): AllocatorChoice {
  if (asked === 'system') return { allocator: 'system', env: {}, description: 'system malloc (asked for)' };
  if (env.LD_PRELOAD) {
    return { allocator: 'inherited', env: {}, description: `LD_PRELOAD from the environment (${env.LD_PRELOAD})` };
  }
  const found = jemallocCandidates(env).find((p) => installed(p));
  if (found) return { allocator: 'jemalloc', env: { LD_PRELOAD: found }, description: `jemalloc (${found})` };
  if (asked === 'jemalloc') {
    throw new Error(
      `jemalloc asked for but not found (looked for ${jemallocCandidates(env).join(', ')}): install it ` +
        '(Debian: apt-get install libjemalloc2) or set JEMALLOC_PATH',
    );
  }
  return {
    allocator: 'system',
    env: {},
    description: 'system malloc (jemalloc not installed: apt-get install libjemalloc2)',
  };
}
