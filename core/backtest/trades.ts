/** A growable columnar trade table (typed arrays, doubled as needed) and its row view. */
import { isoTime as iso } from './isoTime';
import type { TradeTable } from './types';

export class TradeTableBuilder {
  private n = 0;
  private symbol: Int32Array;
  private side: Int8Array;
  private entryRow: Int32Array;
  private exitRow: Int32Array;
  private ret: Float64Array;
  private openAtEnd: Uint8Array;

  constructor(capacity = 64) {
    const c = Math.max(1, capacity);
    this.symbol = new Int32Array(c);
    this.side = new Int8Array(c);
    this.entryRow = new Int32Array(c);
    this.exitRow = new Int32Array(c);
    this.ret = new Float64Array(c);
    this.openAtEnd = new Uint8Array(c);
  }

  push(symbol: number, side: number, entryRow: number, exitRow: number, ret: number, openAtEnd: boolean): void {
    if (this.n === this.ret.length) this.grow();
    const i = this.n++;
    this.symbol[i] = symbol;
    this.side[i] = side;
    this.entryRow[i] = entryRow;
    this.exitRow[i] = exitRow;
    this.ret[i] = ret;
    this.openAtEnd[i] = openAtEnd ? 1 : 0;
  }

  build(): TradeTable {
    const n = this.n;
    return {
      count: n,
      symbol: this.symbol.slice(0, n),
      side: this.side.slice(0, n),
      entryRow: this.entryRow.slice(0, n),
      exitRow: this.exitRow.slice(0, n),
      ret: this.ret.slice(0, n),
      openAtEnd: this.openAtEnd.slice(0, n),
    };
  }

  private grow(): void {
    const c = this.ret.length * 2;
    const g = <T extends Int32Array | Int8Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(c);
      b.set(a as never);
      return b;
    };
    this.symbol = g(this.symbol, (k) => new Int32Array(k));
    this.side = g(this.side, (k) => new Int8Array(k));
    this.entryRow = g(this.entryRow, (k) => new Int32Array(k));
    this.exitRow = g(this.exitRow, (k) => new Int32Array(k));
    this.ret = g(this.ret, (k) => new Float64Array(k));
    this.openAtEnd = g(this.openAtEnd, (k) => new Uint8Array(k));
  }
}

/** One trade as written to results files. Times are ISO-8601 UTC when the data has them. */
export interface TradeRecord {
  trade_id: number;
  symbol: string;
  side: 'long' | 'short';
  entry_bar: number;
  exit_bar: number;
  entry_time?: string;
  exit_time?: string;
  bars_held: number;
  return: number;
  open_at_end: boolean;
}

/**
 * Trade `i` as a record. `bar`/`barTimes` map rows to portfolio bars and times; the exit bar of a
 * trade closed by a position change is the bar where it changed, of one open at the end its last bar.
 */
export function tradeRecord(
  t: TradeTable,
  i: number,
  symbols: readonly string[],
  bar: Int32Array,
  barTimes: Float64Array,
): TradeRecord {
  const entry = t.entryRow[i];
  const lastHeld = t.exitRow[i] - 1;
  const exitRowBar = t.openAtEnd[i] ? bar[lastHeld] : bar[t.exitRow[i]];
  const entryBar = bar[entry];
  const rec: TradeRecord = {
    trade_id: i,
    symbol: symbols[t.symbol[i]] ?? String(t.symbol[i]),
    side: t.side[i] > 0 ? 'long' : 'short',
    entry_bar: entryBar,
    exit_bar: exitRowBar,
    bars_held: t.exitRow[i] - entry,
    return: t.ret[i],
    open_at_end: t.openAtEnd[i] === 1,
  };
  const et = iso(barTimes[entryBar]);
  const xt = iso(barTimes[exitRowBar]);
  if (et) rec.entry_time = et;
  if (xt) rec.exit_time = xt;
  return rec;
}
