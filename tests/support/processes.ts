import { type ChildProcess, execSync, spawn } from 'node:child_process';
import path from 'node:path';

// Runs the project's npm scripts as a user does, each in its own process group so a test can send what a
// terminal sends (Ctrl-C reaches the whole group).

export const ROOT = path.resolve(__dirname, '..', '..');

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `npm run <script>` with the given environment on top of this one, less the app's own variables. */
export function npmRun(script: string, env: Record<string, string>): Running {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(base)) {
    if (/^(TEMPORAL_|DATABASE_URL|ALPHAVANTAGE_|MARKET_DATA_MODE|API_|DATA_DIR|EMBEDDED_POSTGRES_)/.test(name))
      delete base[name];
  }
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: ROOT,
    env: { ...base, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

export async function until<T>(
  what: string,
  run: Running,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * What a process said, one line each: a JSON log line (pino) as `[name] msg`, any other line as it is. The
 * processes log JSON when their output is not a terminal, as here.
 */
export function said(run: Running): string {
  return run
    .output()
    .split('\n')
    .map((line) => {
      if (!line.startsWith('{')) return line;
      try {
        const { name, msg } = JSON.parse(line) as { name?: string; msg?: string };
        return msg === undefined ? line : `[${name}] ${msg}`;
      } catch {
        return line;
      }
    })
    .join('\n');
}

export const printed = (run: Running, text: string) => () => Promise.resolve(said(run).includes(text) || undefined);

/** Sends a signal to the whole process group; npm re-raises it on itself once its child (the app) has exited. */
export async function stopGroup(run: Running, signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  process.kill(-run.child.pid!, signal);
  const { code, signal: by } = await run.exited;
  if (!(code === 0 || by === signal)) throw new Error(`exited with code ${code}, signal ${by}:\n${run.output()}`);
}

/** Command lines of running processes that mention `marker` (a data dir, a task queue). */
export function processesMentioning(marker: string): string[] {
  return execSync('ps -eo args', { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(marker));
}
