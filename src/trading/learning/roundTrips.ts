import Decimal from 'decimal.js';
import { dec, formatMoney, formatQty } from '../../domain/money';
import type { DecimalString, Fill, IsoTime } from '../../domain/types';

// A round trip is one trade from flat back to flat: every fill from the buy that opened the position to the
// sell that closed it. Its PnL is the sum of its fills' realized PnL, so buy fees count against it.

/** One row of a bot's journal as the learning code needs it: what ran, what equity it left, what it booked. */
export interface JournalEntry {
  cycle: number;
  time: IsoTime;
  strategy: string;
  /** Equity at the end of the cycle, at the cycle's price. */
  equity: DecimalString;
  fill: Fill | null;
}

export interface RoundTrip {
  /** The strategy whose buy opened it: the one that gets the credit or the blame. */
  strategy: string;
  openedAt: IsoTime;
  /** Null while the position is still open. */
  closedAt: IsoTime | null;
  fills: number;
  /** The largest quantity held during the trip. */
  maxQuantity: DecimalString;
  /** Net realized PnL of its fills, fees included. */
  pnl: DecimalString;
  fees: DecimalString;
}

interface OpenTrip {
  strategy: string;
  openedAt: IsoTime;
  fills: number;
  held: Decimal;
  maxQuantity: Decimal;
  pnl: Decimal;
  fees: Decimal;
}

function snapshot(trip: OpenTrip, closedAt: IsoTime | null): RoundTrip {
  return {
    strategy: trip.strategy,
    openedAt: trip.openedAt,
    closedAt,
    fills: trip.fills,
    maxQuantity: formatQty(trip.maxQuantity),
    pnl: formatMoney(trip.pnl),
    fees: formatMoney(trip.fees),
  };
}

// Builds round trips one journal entry at a time, for the batch statistics. The bot's state machine learns with
// the accumulator instead (accumulator.ts), which gives the same figures one cycle at a time.
class RoundTripBook {
  private readonly closedTrips: RoundTrip[] = [];
  private open: OpenTrip | null = null;

  add(entry: JournalEntry): void {
    const fill = entry.fill;
    if (!fill) return;
    if (!this.open) {
      if (fill.side === 'sell') return; // a sell with nothing open belongs to history before the journal
      this.open = {
        strategy: entry.strategy,
        openedAt: fill.filledAt,
        fills: 0,
        held: dec(0),
        maxQuantity: dec(0),
        pnl: dec(0),
        fees: dec(0),
      };
    }
    const trip = this.open;
    const quantity = dec(fill.quantity);
    trip.fills += 1;
    trip.held = fill.side === 'buy' ? trip.held.plus(quantity) : trip.held.minus(quantity);
    trip.maxQuantity = Decimal.max(trip.maxQuantity, trip.held);
    trip.pnl = trip.pnl.plus(fill.realizedPnl);
    trip.fees = trip.fees.plus(fill.fee);
    if (trip.held.lte(0)) {
      this.closedTrips.push(snapshot(trip, fill.filledAt));
      this.open = null;
    }
  }

  /** Closed round trips, oldest first. */
  closed(): readonly RoundTrip[] {
    return this.closedTrips;
  }

  /** Every round trip; the last has `closedAt: null` if a position is still open. */
  all(): RoundTrip[] {
    return this.open ? [...this.closedTrips, snapshot(this.open, null)] : [...this.closedTrips];
  }
}

/** Round trips in journal order; the last one has `closedAt: null` if a position is still open. */
export function roundTripsOf(entries: readonly JournalEntry[]): RoundTrip[] {
  const book = new RoundTripBook();
  for (const entry of entries) book.add(entry);
  return book.all();
}

export function closedRoundTrips(trips: readonly RoundTrip[]): RoundTrip[] {
  return trips.filter((t) => t.closedAt !== null);
}
