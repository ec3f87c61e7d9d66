import { type ChildProcess, spawn } from 'node:child_process';

// If the launching process dies without running stop() (SIGKILL, a jest worker killed on timeout), the API
// and the workers notice through their IPC channel and stop themselves, but Temporal and Postgres would run on,
// orphaned. The guardian is a tiny detached node process holding an IPC channel to the launcher: when that
// channel drops, it stops what it was told to watch (fast shutdown), SIGKILLs what is left after 20 s, and
// exits. It checks each pid's start time first, so a recycled pid is never signalled.

const GUARDIAN_SOURCE = `
const fs = require('fs');
const watched = new Map();
const startOf = (pid) => {
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch { return undefined; }
};
const send = (signal) => {
  let left = 0;
  for (const [pid, w] of watched) {
    if (startOf(pid) !== w.start) continue;
    left++;
    if (signal === 'own') try { process.kill(pid, w.signal); } catch {}
    else if (signal) try { process.kill(w.group ? -pid : pid, signal); } catch {}
  }
  return left;
};
process.on('message', (m) => {
  if (m && m.watch) watched.set(m.watch, m);
  if (m && m.unwatch) watched.delete(m.unwatch);
});
process.on('disconnect', () => {
  const deadline = Date.now() + 20000;
  send('own');
  setInterval(() => {
    if (send(null) === 0) process.exit(0);
    if (Date.now() > deadline) { send('SIGKILL'); process.exit(0); }
  }, 250);
});
`;

export interface Guardian {
  pid: number;
  /** Stop `pid` with `signal` if the launcher dies; SIGKILL it (its whole process group when `group`) past 20 s. */
  watch(pid: number, start: string | undefined, signal: NodeJS.Signals, group?: boolean): void;
  unwatch(pid: number): void;
  /** The launcher is stopping everything itself: the guardian leaves (after nothing it watches is alive). */
  release(): Promise<void>;
}

export function startGuardian(): Guardian {
  const child: ChildProcess = spawn(process.execPath, ['-e', GUARDIAN_SOURCE], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  child.on('error', () => undefined);
  // Neither the process nor its channel may keep the launcher alive.
  child.unref();
  child.channel?.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (message: object) => {
    if (child.connected) child.send(message, () => undefined);
  };
  return {
    pid: child.pid ?? -1,
    watch: (pid, start, signal, group = false) => send({ watch: pid, start, signal, group }),
    unwatch: (pid) => send({ unwatch: pid }),
    async release() {
      if (child.pid === undefined) return;
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
