import { parseDecimal } from '../domain/money';
import type { Candle } from '../domain/types';

// Historical candles from CSV: `date,open,high,low,close,volume`, one row per day, oldest first. Garbage is
// refused with its line number rather than skipped: a backtest on silently mangled data is worse than none.

export const CSV_HEADER = ['date', 'open', 'high', 'low', 'close', 'volume'];

export class CandleCsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CandleCsvError';
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(text: string, line: number): string {
  const m = DATE.exec(text);
  const time = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  // Round-tripping catches dates that do not exist, such as 2023-02-30.
  if (!m || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text) {
    throw new CandleCsvError(line, `date must be a real YYYY-MM-DD day, got ${JSON.stringify(text)}`);
  }
  return new Date(time).toISOString();
}

function parseField(text: string, name: string, line: number, allowZero: boolean) {
  let value;
  try {
    value = parseDecimal(text, name);
  } catch (err) {
    throw new CandleCsvError(line, (err as Error).message);
  }
  if (allowZero ? value.lt(0) : value.lte(0)) {
    throw new CandleCsvError(line, `${name} must be ${allowZero ? 'zero or more' : 'positive'}, got ${text}`);
  }
  return value;
}

/** Parses the whole file; blank lines are ignored, everything else must be a valid, later candle. */
export function parseCandlesCsv(text: string): Candle[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '')
    .trim()
    .toLowerCase()
    .replace(/^\uFEFF/, '');
  if (header !== CSV_HEADER.join(',')) {
    throw new CandleCsvError(1, `header must be "${CSV_HEADER.join(',')}", got ${JSON.stringify(lines[0] ?? '')}`);
  }
  const candles: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const row = lines[i].trim();
    if (row === '') continue;
    const fields = row.split(',').map((f) => f.trim());
    if (fields.length !== CSV_HEADER.length) {
      throw new CandleCsvError(
        line,
        `expected ${CSV_HEADER.length} fields (${CSV_HEADER.join(',')}), got ${fields.length}`,
      );
    }
    const time = parseDate(fields[0], line);
    const open = parseField(fields[1], 'open', line, false);
    const high = parseField(fields[2], 'high', line, false);
    const low = parseField(fields[3], 'low', line, false);
    const close = parseField(fields[4], 'close', line, false);
    const volume = parseField(fields[5], 'volume', line, true);
    if (high.lt(open) || high.lt(close) || high.lt(low) || low.gt(open) || low.gt(close)) {
      throw new CandleCsvError(
        line,
        `high ${fields[2]} and low ${fields[3]} must bound open ${fields[1]} and close ${fields[4]}`,
      );
    }
    const previous = candles[candles.length - 1];
    if (previous && time <= previous.time) {
      throw new CandleCsvError(line, `date ${fields[0]} is not after the previous row's ${previous.time.slice(0, 10)}`);
    }
    candles.push({
      time,
      open: open.toFixed(),
      high: high.toFixed(),
      low: low.toFixed(),
      close: close.toFixed(),
      volume: volume.toFixed(),
    });
  }
  if (candles.length === 0) throw new CandleCsvError(lines.length, 'no candles after the header');
  return candles;
}
