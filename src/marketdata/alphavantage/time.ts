import type { IsoTime } from '../../domain/types';

// Alpha Vantage stamps intraday bars with wall-clock times in the zone named in `Meta Data` (US/Eastern for
// equities). Converting them with a fixed offset would shift half the year by an hour, so the offset is looked
// up per instant with Intl, which knows the daylight-saving rules. No time zone library is needed.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const NEWS_STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for a zone name Intl does not know; callers report that as a malformed answer.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Milliseconds to add to a UTC instant to get the wall clock in `timeZone` at that instant. */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  // Intl drops milliseconds; compare against the instant truncated to the second.
  return wall - Math.floor(instantMs / 1000) * 1000;
}

function isUtc(timeZone: string): boolean {
  return /^(utc|gmt|etc\/utc|etc\/gmt|z)$/i.test(timeZone.trim());
}

/** True when `text` is a real calendar date/time, not e.g. 2024-02-31 rolled over by Date.UTC. */
function sameFields(ms: number, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  const t = new Date(ms);
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  );
}

/** `YYYY-MM-DD` (a daily bar) -> midnight UTC of that day, or null if it is not a date. */
export function dayToIso(day: string): IsoTime | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  return sameFields(ms, y, mo, d) ? new Date(ms).toISOString() : null;
}

/**
 * `YYYY-MM-DD HH:MM[:SS]` on the wall clock of `timeZone` -> UTC ISO, or null if it is not a date/time.
 * For the repeated hour when clocks go back the earlier instant is chosen.
 */
export function wallClockToIso(text: string, timeZone: string): IsoTime | null {
  const m = WALL_CLOCK.exec(text.trim());
  if (!m) return null;
  const f = m.slice(1, 7).map((v) => Number(v ?? 0));
  const asIfUtc = Date.UTC(f[0], f[1] - 1, f[2], f[3], f[4], f[5]);
  if (!sameFields(asIfUtc, f[0], f[1], f[2], f[3], f[4], f[5])) return null;
  if (isUtc(timeZone)) return new Date(asIfUtc).toISOString();
  // First guess uses the offset at the wall time read as UTC; the second pass corrects it when a DST change
  // lies between the guess and the true instant.
  const firstGuess = asIfUtc - zoneOffsetMs(asIfUtc, timeZone);
  const instant = asIfUtc - zoneOffsetMs(firstGuess, timeZone);
  return new Date(instant).toISOString();
}

/** News `time_published`, `YYYYMMDDTHHMMSS`, -> UTC ISO, or null if it is not one. */
export function newsStampToIso(stamp: string): IsoTime | null {
  const m = NEWS_STAMP.exec(stamp);
  if (!m) return null;
  return wallClockToIso(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}`, 'UTC');
}
