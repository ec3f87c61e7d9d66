import type { IsoTime } from './types';

// A bot's fixed cadence, pure, so the bot workflow keeps it in its durable state (plain JSON) and advances it
// with workflow time. Slot n is due at anchorAt + (n - anchorSlot) x interval, and slot n runs as cycle n: a
// cycle that runs long never pushes the later ones back (no drift). A slot the bot reaches more than half an
// interval after it was due (the previous cycle ran long, no worker was up, the server was down) is skipped and
// counted, never run late in a burst; the cycle numbers then have a gap of exactly the skipped slots.

export interface Schedule {
  /** When slot `anchorSlot` was due. */
  anchorAt: IsoTime;
  anchorSlot: number;
  intervalSeconds: number;
  /** Slots skipped since the bot was created. */
  skipped: number;
  /** The newest run of skipped slots, if any. */
  lastSkipped: SkippedSlots | null;
}

export interface SkippedSlots {
  from: number;
  to: number;
  /** When the bot noticed it was too late for them. */
  at: IsoTime;
}

export function newSchedule(slot: number, nowMs: number, intervalSeconds: number): Schedule {
  return { anchorAt: new Date(nowMs).toISOString(), anchorSlot: slot, intervalSeconds, skipped: 0, lastSkipped: null };
}

export function dueAtMs(s: Schedule, slot: number): number {
  return Date.parse(s.anchorAt) + (slot - s.anchorSlot) * s.intervalSeconds * 1000;
}

/** How late a slot may start: half an interval. Later than that it is skipped. */
export function lateToleranceMs(s: Schedule): number {
  return (s.intervalSeconds * 1000) / 2;
}

export interface NextSlot {
  /** The slot to run next: `slot` itself, or the first one still in time after skipping. */
  slot: number;
  dueAtMs: number;
  /** The schedule with any skip counted. */
  schedule: Schedule;
  /** The slots given up, if any. */
  skipped: SkippedSlots | null;
}

/**
 * The slot to run after the last one started: `slot`, or, when the bot reaches it too late, the first later
 * slot still in time (which may lie ahead: the caller waits for it), with the slots in between skipped.
 */
export function nextSlot(s: Schedule, slot: number, nowMs: number): NextSlot {
  const tolerance = lateToleranceMs(s);
  if (nowMs - dueAtMs(s, slot) <= tolerance) return { slot, dueAtMs: dueAtMs(s, slot), schedule: s, skipped: null };
  // The first slot due no more than `tolerance` ago.
  const intervalMs = s.intervalSeconds * 1000;
  const inTime = s.anchorSlot + Math.ceil((nowMs - tolerance - Date.parse(s.anchorAt)) / intervalMs);
  const first = Math.max(inTime, slot + 1);
  const skipped: SkippedSlots = { from: slot, to: first - 1, at: new Date(nowMs).toISOString() };
  return {
    slot: first,
    dueAtMs: dueAtMs(s, first),
    schedule: { ...s, skipped: s.skipped + (first - slot), lastSkipped: skipped },
    skipped,
  };
}

/**
 * A bot resumed after a stop (or given a new interval) keeps its cadence when its next slot is still in time;
 * otherwise the cadence starts afresh at `nowMs` with that slot: time spent stopped is not a missed slot.
 */
export function resumeSchedule(s: Schedule, slot: number, nowMs: number, intervalSeconds: number): Schedule {
  if (intervalSeconds !== s.intervalSeconds) {
    return { ...s, anchorAt: new Date(nowMs).toISOString(), anchorSlot: slot, intervalSeconds };
  }
  if (nowMs - dueAtMs(s, slot) <= lateToleranceMs(s)) return s;
  return { ...s, anchorAt: new Date(nowMs).toISOString(), anchorSlot: slot };
}
