import os from 'node:os';

/**
 * The machine a report's figures come from. The CPU model is part of it: the same soak on the same 2 cores ran
 * its dev server at 18-21 % of a core on one Xeon host and 38 % on an EPYC one (docs/soak/README.md).
 */
export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: os.platform(),
  };
}
