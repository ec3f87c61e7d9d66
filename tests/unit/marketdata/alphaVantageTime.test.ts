import { dayToIso, newsStampToIso, wallClockToIso } from '../../../src/marketdata/alphavantage/time';

describe('wallClockToIso', () => {
  it('converts US/Eastern with the winter offset (EST, UTC-5) in January', () => {
    expect(wallClockToIso('2024-01-16 09:30:00', 'US/Eastern')).toBe('2024-01-16T14:30:00.000Z');
  });

  it('converts US/Eastern with the summer offset (EDT, UTC-4) in July', () => {
    expect(wallClockToIso('2024-07-16 09:30:00', 'US/Eastern')).toBe('2024-07-16T13:30:00.000Z');
  });

  it('switches offset exactly at the spring-forward boundary (2024-03-10, 02:00 EST -> 03:00 EDT)', () => {
    expect(wallClockToIso('2024-03-10 01:59:00', 'US/Eastern')).toBe('2024-03-10T06:59:00.000Z');
    expect(wallClockToIso('2024-03-10 03:00:00', 'US/Eastern')).toBe('2024-03-10T07:00:00.000Z');
    expect(wallClockToIso('2024-03-10 04:00:00', 'US/Eastern')).toBe('2024-03-10T08:00:00.000Z');
  });

  it('takes the earlier instant for the repeated hour when clocks go back (2024-11-03)', () => {
    expect(wallClockToIso('2024-11-03 00:30:00', 'US/Eastern')).toBe('2024-11-03T04:30:00.000Z');
    expect(wallClockToIso('2024-11-03 01:30:00', 'US/Eastern')).toBe('2024-11-03T05:30:00.000Z');
    expect(wallClockToIso('2024-11-03 02:30:00', 'US/Eastern')).toBe('2024-11-03T07:30:00.000Z');
  });

  it('handles other zones and UTC', () => {
    expect(wallClockToIso('2024-07-16 09:30:00', 'Europe/London')).toBe('2024-07-16T08:30:00.000Z');
    expect(wallClockToIso('2024-07-16 09:30:00', 'UTC')).toBe('2024-07-16T09:30:00.000Z');
    expect(wallClockToIso('2017-12-20 19:23', 'UTC')).toBe('2017-12-20T19:23:00.000Z');
  });

  it('rejects text that is not a real date-time', () => {
    expect(wallClockToIso('2024-02-30 10:00:00', 'UTC')).toBeNull();
    expect(wallClockToIso('2024-01-01 25:00:00', 'US/Eastern')).toBeNull();
    expect(wallClockToIso('yesterday', 'UTC')).toBeNull();
  });

  it('throws for a zone Intl does not know (parsers report it as malformed)', () => {
    expect(() => wallClockToIso('2024-01-01 10:00:00', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('dayToIso and newsStampToIso', () => {
  it('stamps a daily bar with midnight UTC of its date', () => {
    expect(dayToIso('2024-07-16')).toBe('2024-07-16T00:00:00.000Z');
    expect(dayToIso('2024-13-01')).toBeNull();
    expect(dayToIso('2024-07-16 00:00:00')).toBeNull();
  });

  it('reads YYYYMMDDTHHMMSS', () => {
    expect(newsStampToIso('20240716T143005')).toBe('2024-07-16T14:30:05.000Z');
    expect(newsStampToIso('20240716T1430')).toBe('2024-07-16T14:30:00.000Z');
    expect(newsStampToIso('2024-07-16')).toBeNull();
  });
});
