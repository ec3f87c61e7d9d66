import {
  dueAtMs,
  lateToleranceMs,
  newSchedule,
  nextSlot,
  resumeSchedule,
  type Schedule,
} from '../../src/domain/schedule';

// The bot's fixed cadence: slot n is due at anchorAt + (n - anchorSlot) x interval and runs as cycle n; a slot
// reached more than half an interval late is skipped and counted.

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
/** Slot 1 due at t0, every 10 s: slot n is due at t0 + (n - 1) x 10 s; the tolerance is 5 s. */
const every10s = () => newSchedule(1, t0, 10);
const due = (n: number) => t0 + (n - 1) * 10_000;

describe('newSchedule and dueAtMs', () => {
  it('anchors the first slot now and spaces the others one interval apart', () => {
    const s = every10s();
    expect(s).toEqual({ anchorAt: iso(t0), anchorSlot: 1, intervalSeconds: 10, skipped: 0, lastSkipped: null });
    expect([1, 2, 3, 10].map((n) => dueAtMs(s, n) - t0)).toEqual([0, 10_000, 20_000, 90_000]);
    expect(lateToleranceMs(s)).toBe(5_000);
    // A bot re-created at cycle 7 anchors there; fractional intervals keep exact millisecond spacing.
    const resumed = newSchedule(7, t0, 0.2);
    expect(dueAtMs(resumed, 7)).toBe(t0);
    expect(dueAtMs(resumed, 12)).toBe(t0 + 1_000);
  });
});

describe('nextSlot', () => {
  it('an on-time slot runs at its due time, skipping nothing and leaving the schedule as it was', () => {
    const s = every10s();
    for (const n of [1, 2, 3]) {
      // Reached early (the bot then waits for it) or exactly on time.
      for (const now of [due(n) - 7_000, due(n)]) {
        const next = nextSlot(s, n, now);
        expect(next).toEqual({ slot: n, dueAtMs: due(n), schedule: s, skipped: null });
        expect(next.schedule).toBe(s);
      }
    }
  });

  it('a slot reached within half an interval runs late, not skipped', () => {
    const s = every10s();
    for (const late of [1, 4_999, 5_000]) {
      const next = nextSlot(s, 3, due(3) + late);
      expect(next).toEqual({ slot: 3, dueAtMs: due(3), schedule: s, skipped: null });
    }
  });

  it('a slot reached later is skipped: exactly that slot, counted, and the next slot is waited for', () => {
    const s = every10s();
    const now = due(3) + 5_001;
    const next = nextSlot(s, 3, now);
    const skipped = { from: 3, to: 3, at: iso(now) };
    expect(next).toEqual({
      slot: 4,
      dueAtMs: due(4),
      schedule: { ...s, skipped: 1, lastSkipped: skipped },
      skipped,
    });
    // The cadence itself does not move: slot 4 is still due on the original grid, in the future here.
    expect(next.dueAtMs).toBeGreaterThan(now);
    expect(dueAtMs(next.schedule, 4)).toBe(due(4));
    // Asked again for the slot after the skip, the schedule runs it on time and skips nothing more.
    expect(nextSlot(next.schedule, 4, due(4))).toMatchObject({ slot: 4, skipped: null, schedule: next.schedule });
  });

  it('after a long outage skips every missed slot at once and runs the first one still in time', () => {
    const s = every10s();
    // Slot 3 was next; the bot comes back 73 s after it was due: slots 3 to 9 are gone, slot 10 (due 3 s ago) runs.
    const now = due(3) + 73_000;
    const next = nextSlot(s, 3, now);
    expect(next.skipped).toEqual({ from: 3, to: 9, at: iso(now) });
    expect(next.slot).toBe(10);
    expect(next.dueAtMs).toBe(due(10));
    expect(now - next.dueAtMs).toBe(3_000);
    expect(next.schedule).toMatchObject({ skipped: 7, lastSkipped: next.skipped, anchorAt: s.anchorAt });

    // Back 76 s late instead: slot 10 is 6 s late as well, so 3 to 10 are skipped and slot 11 lies 4 s ahead.
    const later = nextSlot(s, 3, due(3) + 76_000);
    expect(later.skipped).toMatchObject({ from: 3, to: 10 });
    expect(later).toMatchObject({ slot: 11, dueAtMs: due(11), schedule: { skipped: 8 } });
  });

  it('adds to the running total and names the newest run of skipped slots', () => {
    const first = nextSlot(every10s(), 3, due(3) + 25_001); // 3, 4, 5 skipped; slot 6 waited for
    expect(first).toMatchObject({ slot: 6, skipped: { from: 3, to: 5 }, schedule: { skipped: 3 } });
    const second = nextSlot(first.schedule, 8, due(8) + 9_000); // 8 skipped; slot 9 waited for
    expect(second.skipped).toEqual({ from: 8, to: 8, at: iso(due(8) + 9_000) });
    expect(second.schedule).toMatchObject({ skipped: 4, lastSkipped: second.skipped });
  });

  it('keeps a fixed cadence whatever the cycles take: every run starts in time, every gap is a counted skip', () => {
    // A deterministic walk: cycles take 0 to 35 s on a 10 s cadence, with a few long outages.
    let seed = 7;
    const rand = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    let s: Schedule = every10s();
    let lastSlot = 0;
    let now = t0;
    const ran: number[] = [];
    let skippedByGaps = 0;
    while (ran.length < 300) {
      const next = nextSlot(s, lastSlot + 1, now);
      if (next.skipped) {
        // As the bot does: take the schedule with the skip counted, remember the skipped slots as passed.
        s = next.schedule;
        lastSlot = next.skipped.to;
      }
      if (next.dueAtMs > now) {
        now = next.dueAtMs; // wait for the slot, then ask again
        continue;
      }
      expect(next.slot).toBe(lastSlot + 1);
      expect(now - next.dueAtMs).toBeLessThanOrEqual(lateToleranceMs(s));
      expect(next.dueAtMs).toBe(due(next.slot));
      if (ran.length > 0) skippedByGaps += next.slot - ran[ran.length - 1] - 1;
      ran.push(next.slot);
      lastSlot = next.slot;
      now += rand() < 0.03 ? 60_000 + rand() * 120_000 : rand() * 35_000;
    }
    expect(skippedByGaps).toBeGreaterThan(0);
    expect(ran[0]).toBe(1);
    expect(s.skipped).toBe(skippedByGaps);
  });
});

describe('resumeSchedule', () => {
  it('keeps the cadence when the next slot is still in time', () => {
    const s = { ...every10s(), skipped: 2 };
    // Stopped briefly, before slot 4 was due, or resumed within half an interval of it.
    for (const now of [due(4) - 8_000, due(4), due(4) + 5_000]) {
      const resumed = resumeSchedule(s, 4, now, 10);
      expect(resumed).toBe(s);
      expect(dueAtMs(resumed, 4)).toBe(due(4));
    }
  });

  it('re-anchors at now when the next slot is too late, counting no skips for the time spent stopped', () => {
    const lastSkipped = { from: 2, to: 2, at: iso(due(2) + 6_000) };
    const s: Schedule = { ...every10s(), skipped: 1, lastSkipped };
    const now = due(4) + 5_001;
    const resumed = resumeSchedule(s, 4, now, 10);
    expect(resumed).toEqual({ anchorAt: iso(now), anchorSlot: 4, intervalSeconds: 10, skipped: 1, lastSkipped });
    // Slot 4 then runs at once, and the cadence carries on from there.
    expect(nextSlot(resumed, 4, now)).toMatchObject({ slot: 4, dueAtMs: now, skipped: null });
    expect(dueAtMs(resumed, 5)).toBe(now + 10_000);
    // Even an hour away is no missed slot.
    const hourLater = resumeSchedule(s, 4, due(4) + 3_600_000, 10);
    expect(hourLater.skipped).toBe(1);
    expect(nextSlot(hourLater, 4, due(4) + 3_600_000).skipped).toBeNull();
  });

  it('re-anchors on a new interval, even when the next slot would be in time', () => {
    const s = every10s();
    const now = due(4) - 2_000;
    const resumed = resumeSchedule(s, 4, now, 30);
    expect(resumed).toEqual({ ...s, anchorAt: iso(now), anchorSlot: 4, intervalSeconds: 30 });
    expect(dueAtMs(resumed, 5) - dueAtMs(resumed, 4)).toBe(30_000);
    expect(lateToleranceMs(resumed)).toBe(15_000);
  });
});
