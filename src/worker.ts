import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';

export interface BotWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt workflow bundle (tests build one per run); otherwise the worker bundles src/workflows at start. */
  workflowBundle?: { codePath: string };
  /** Running activities get this long to finish on shutdown (the SDK's default, 0, cancels them at once). */
  shutdownGraceMs: number;
}

export async function createBotWorker(opts: BotWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities(opts.deps),
    shutdownGraceTime: opts.shutdownGraceMs,
  });
}
