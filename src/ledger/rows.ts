import { dec, formatMoney, formatQty } from '../domain/money';
import type { Fill, Side } from '../domain/types';

export interface FillRow {
  client_order_id: string;
  bot_id: string;
  cycle: number;
  symbol: string;
  side: Side;
  quantity: string;
  price: string;
  fee: string;
  realized_pnl: string;
  cash_after: string;
  filled_at: Date;
}

export function fillFromRow(r: FillRow): Fill {
  return {
    clientOrderId: r.client_order_id,
    botId: r.bot_id,
    cycle: r.cycle,
    symbol: r.symbol,
    side: r.side,
    quantity: formatQty(r.quantity),
    price: dec(r.price).toFixed(),
    fee: formatMoney(r.fee),
    realizedPnl: formatMoney(r.realized_pnl),
    cashAfter: formatMoney(r.cash_after),
    filledAt: r.filled_at.toISOString(),
  };
}
