import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * The machine a report's figures come from (soak, chaos and bench reports). The CPU model is part of it: the same
 * soak on the same 2 cores ran its dev server at 18-21 % of a core on an Intel Xeon host and 38 % on an AMD EPYC
 * one (docs/soak/README.md).
 */
export interface Machine {
  /** The CPUs this process may use (a container's or cgroup's limit); null where `nproc` is missing. */
  nproc: number | null;
  /** The CPUs the host has. */
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  let nproc: number | null = null;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // not on every platform
  }
  return {
    nproc,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
