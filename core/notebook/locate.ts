/** Offsets in a cell body -> positions in the whole file. */
import type { Position, Range } from './types';

export class BodyLocator {
  private readonly lineStarts: number[] = [0];

  /** `source` is the body with EOLs normalised to "\n"; `firstLine` is the file line of its first line. */
  constructor(
    readonly source: string,
    readonly firstLine: number,
  ) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  position(offset: number): Position {
    let off = Math.max(0, Math.min(offset, this.source.length));
    // The end of a body that ends with a line break is the end of its last line, not the next marker.
    if (off === this.source.length && off > 0 && this.source.endsWith('\n')) off--;
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: this.firstLine + lo, column: off - this.lineStarts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }
}

/** A range on one line. */
export function lineRange(line: number, startColumn: number, endColumn: number): Range {
  return { start: { line, column: startColumn }, end: { line, column: endColumn } };
}
