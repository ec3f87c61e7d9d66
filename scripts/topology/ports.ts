import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';

// Ports on 127.0.0.1: a free one to hand to a process, and whether anything still accepts connections on one.

/** Whether `port` on 127.0.0.1 can be bound right now (probed by binding it and closing again). */
function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The kernel's ephemeral ports (its picks for outbound connections and port 0) start here. A range that starts at
 * 11000 or lower leaves no room below it: then ports come from 10000-32767 as if it started at 32768, and may
 * collide with an outbound connection as any port would on such a machine.
 */
function ephemeralLow(): number {
  try {
    const low = parseInt(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'), 10);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * Distinct free ports on 127.0.0.1, drawn at random from 10000 up to the kernel's ephemeral range (32768 on
 * Linux) and never above 32767. Below that range, because a port handed out is only bound later by the process
 * it is for (after `npm start` builds, or when a killed server restarts on it), and a port from the ephemeral
 * range can meanwhile become the local end of any outbound connection: a CI run lost the dev server's UI port
 * that way. And below 32768, because the Temporal server stores its services' membership ports in a SMALLINT
 * column (cluster_membership.rpc_port).
 */
export async function freePorts(count: number): Promise<number[]> {
  const low = 10_000;
  const high = Math.min(ephemeralLow(), 32_768);
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count; tries++) {
    if (tries > 1000) throw new Error(`no ${count} free ports between ${low} and ${high - 1}`);
    const candidate = low + Math.floor(Math.random() * (high - low));
    if (!ports.has(candidate) && (await probe(candidate))) ports.add(candidate);
  }
  return [...ports];
}

/** One free port (see freePorts). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}

export function acceptsConnections(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * TCP ports `pid` listens on (Linux, from /proc): a dev server also opens internal ports nobody chose, and
 * teardown checks those are closed too.
 */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = (() => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      })();
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }
  } catch {
    return [];
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[] = [];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, field 9 the socket inode.
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9])) ports.add(parseInt(f[1].split(':')[1], 16));
    }
  }
  return [...ports];
}
