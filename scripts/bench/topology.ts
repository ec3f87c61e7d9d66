import type { TeardownReport, Topology } from '../topology/launcher';

/**
 * topology.stop(), holding this process's event loop open meanwhile: the launcher's teardown ends by awaiting
 * the exit of its guardian, an unref'd child process, and with nothing else pending Node would exit right
 * there, code 0, before the caller's next line.
 */
export async function stopTopology(t: Topology): Promise<TeardownReport> {
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    return await t.stop();
  } finally {
    clearInterval(keepAlive);
  }
}
