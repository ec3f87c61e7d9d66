import { renameSync, writeSync } from 'node:fs';
import path from 'node:path';

// Named crash points for the chaos campaign (`npm run chaos`, docs/chaos/README.md): the exact places inside an
// activity where a worker dying at once (SIGKILL: no catch, no finally, no graceful shutdown) is most likely to
// book something twice, e.g. after the fill is committed and before the activity returns. They are inert unless
// OODA_CHAOS_CRASH_POINTS names them (read by src/config.ts, armed by the worker at start with
// `armCrashPoints`): then `crashPoint` is one branch, without it a no-op function.
//
//   OODA_CHAOS_CRASH_POINTS=execution.afterFill:0.2,learning.afterJournal:0.2
//       each pass through a named point kills this process with that probability (omitted: 1);
//   OODA_CHAOS_CRASH_POINTS=execution.afterFill,learning.afterJournal,tokens=/some/dir
//       a point fires only when it also claims a token: the file <dir>/<point>, renamed atomically to
//       <point>.hit-<pid>-<epoch ms>, so exactly one process among all the workers wins each token. The campaign
//       drops a token when it wants a hit: a budget shared by every worker, spent at a moment of its choosing.
//
// Before dying the point writes one line to stderr (CRASH_POINT_MARKER ...), so hits can be counted in the logs.

export const CRASH_POINT_NAMES = ['execution.afterFill', 'learning.afterJournal'] as const;
export type CrashPointName = (typeof CRASH_POINT_NAMES)[number];

export const CRASH_POINTS_ENV = 'OODA_CHAOS_CRASH_POINTS';
/** The stderr line a crash point writes before it kills its process: `[chaos] crash point <name> hit: ...`. */
export const CRASH_POINT_MARKER = '[chaos] crash point';

export interface CrashPointSpec {
  /** Probability per pass, 0..1, for each named point. */
  points: Partial<Record<CrashPointName, number>>;
  /** Where tokens are claimed; undefined: probability alone decides. */
  tokensDir?: string;
}

/** Parses the variable's value; throws naming the bad entry (a typo must not silently disarm a campaign). */
export function parseCrashPoints(value: string): CrashPointSpec {
  const spec: CrashPointSpec = { points: {} };
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry.startsWith('tokens=')) {
      spec.tokensDir = entry.slice('tokens='.length);
      if (spec.tokensDir === '') throw new Error(`${CRASH_POINTS_ENV}: tokens= needs a directory`);
      continue;
    }
    const [name, probability, ...rest] = entry.split(':');
    if (!(CRASH_POINT_NAMES as readonly string[]).includes(name) || rest.length > 0) {
      throw new Error(`${CRASH_POINTS_ENV}: unknown entry "${entry}" (points: ${CRASH_POINT_NAMES.join(', ')})`);
    }
    const p = probability === undefined ? 1 : Number(probability);
    if (probability?.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) {
      throw new Error(`${CRASH_POINTS_ENV}: "${entry}" needs a probability between 0 and 1`);
    }
    spec.points[name as CrashPointName] = p;
  }
  if (Object.keys(spec.points).length === 0) {
    throw new Error(`${CRASH_POINTS_ENV}: names no crash point (points: ${CRASH_POINT_NAMES.join(', ')})`);
  }
  return spec;
}

/** The token file a campaign drops for one hit of `name`. */
export function crashPointTokenPath(tokensDir: string, name: CrashPointName): string {
  return path.join(tokensDir, name);
}

function claimToken(tokensDir: string, name: CrashPointName): boolean {
  try {
    renameSync(crashPointTokenPath(tokensDir, name), path.join(tokensDir, `${name}.hit-${process.pid}-${Date.now()}`));
    return true;
  } catch {
    return false; // no token (ENOENT), or another process claimed it first
  }
}

function armed(spec: CrashPointSpec) {
  return function crashPoint<T>(name: CrashPointName, value?: T): T {
    const p = spec.points[name];
    if (p === undefined || p === 0 || (p < 1 && Math.random() >= p)) return value as T;
    if (spec.tokensDir !== undefined && !claimToken(spec.tokensDir, name)) return value as T;
    writeSync(2, `${CRASH_POINT_MARKER} ${name} hit: SIGKILL to pid ${process.pid} at ${new Date().toISOString()}\n`);
    process.kill(process.pid, 'SIGKILL');
    return value as T; // not reached
  };
}

function inert<T>(_name: CrashPointName, value?: T): T {
  return value as T;
}

let active: <T>(name: CrashPointName, value?: T) => T = inert;

/** Arms the points the setting names (AppConfig.chaos.crashPoints), or disarms them all with null. */
export function armCrashPoints(spec: CrashPointSpec | null): void {
  active = spec && Object.keys(spec.points).length > 0 ? armed(spec) : inert;
}

/**
 * Kills this process here when the chaos setting names this point and its probability (and a token, if the
 * setting uses them) says so; otherwise returns `value` untouched, so it can wrap a return:
 * `return crashPoint('execution.afterFill', await broker.placeMarketOrder(...))`.
 */
export function crashPoint<T = void>(name: CrashPointName, value?: T): T {
  return active(name, value);
}
