/**
 * The shape of a CSV file, read before polars parses it: where every record starts (1-based line,
 * so a quoted field spanning lines does not shift later line numbers), how many fields each
 * record has, and quoting errors with their line and column. Polars pads short records with nulls
 * and drops the extra fields of long ones; this scan is what turns both into an error naming
 * file:line and the counts, or, with policy `quarantine`, into rows dropped and reported.
 */
import { ValidationError } from '../errors';

/** What to do with a record whose field count differs from the header's. */
export type BadRowPolicy = 'fail' | 'quarantine';
export const BAD_ROW_POLICIES: readonly BadRowPolicy[] = ['fail', 'quarantine'];

export interface CsvRecordShape {
  /** 1-based line where the record starts. */
  line: number;
  fields: number;
}

export interface CsvScan {
  headerFields: number;
  /** Records after the header, in file order (blank lines are not records). */
  records: CsvRecordShape[];
  /** Start and end offset of each record in the text (end excludes the line break). */
  spans: [number, number][];
  /** Offset of the header record, and just past its line break. */
  headerStart: number;
  bodyStart: number;
  blankLines: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Scans `text` (the whole file). A quoting error is a ValidationError naming file:line:column. */
export function scanCsv(text: string, sep: string, file: string): CsvScan {
  const SEP = sep.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let headerFields = -1;
  let bodyStart = 0;
  let headerStart = 0;
  let blankLines = 0;
  const records: CsvRecordShape[] = [];
  const spans: [number, number][] = [];
  const fail = (message: string, at: number, atLine: number, atLineStart: number, hint: string) =>
    new ValidationError(message, { file, line: atLine, column: at - atLineStart + 1 }, [hint]);
  if (text.charCodeAt(0) === 0xfeff) i = lineStart = 1;
  while (i < n) {
    const start = i;
    const startLine = line;
    // A blank line (only a line break) is no record: skipped, as pandas does.
    if (text.charCodeAt(i) === LF || (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF)) {
      i += text.charCodeAt(i) === CR ? 2 : 1;
      line++;
      lineStart = i;
      blankLines++;
      continue;
    }
    let fields = 1;
    let end: number;
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const openAt = i;
        const openLine = line;
        const openLineStart = lineStart;
        i++;
        for (;;) {
          if (i >= n) {
            throw fail(
              `unclosed quote: the quoted field opened on line ${openLine} never closes`,
              openAt,
              openLine,
              openLineStart,
              'close the quote, or double a quote inside a quoted field ("")',
            );
          }
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            if (text.charCodeAt(i + 1) === QUOTE) {
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === LF) {
            line++;
            lineStart = i + 1;
          }
          i++;
        }
        const after = i < n ? text.charCodeAt(i) : -1;
        if (after !== -1 && after !== SEP && after !== LF && !(after === CR && text.charCodeAt(i + 1) === LF)) {
          throw fail(
            `text after a closing quote: '${text.slice(openAt, Math.min(n, i + 10)).split(/\r?\n/)[0]}'`,
            i,
            line,
            lineStart,
            'quote the whole field and double any quote inside it ("")',
          );
        }
      } else {
        const fieldStart = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === SEP || c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) break;
          if (c === QUOTE) {
            const field = text
              .slice(fieldStart)
              .split(/[\r\n]/)[0]
              .split(sep)[0];
            throw fail(
              `stray quote inside an unquoted field: '${field}'`,
              i,
              line,
              lineStart,
              'quote the whole field and double any quote inside it ("")',
            );
          }
          i++;
        }
      }
      if (i < n && text.charCodeAt(i) === SEP) {
        fields++;
        i++;
        continue;
      }
      end = i;
      if (i < n) {
        i += text.charCodeAt(i) === CR ? 2 : 1;
        line++;
        lineStart = i;
      }
      break;
    }
    if (headerFields < 0) {
      headerFields = fields;
      headerStart = start;
      bodyStart = i;
    } else {
      records.push({ line: startLine, fields });
      spans.push([start, end]);
    }
  }
  return { headerFields: Math.max(headerFields, 0), records, spans, headerStart, bodyStart, blankLines };
}

/** Records whose field count differs from the header's. */
export function raggedRecords(scan: CsvScan): CsvRecordShape[] {
  return scan.records.filter((r) => r.fields !== scan.headerFields);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "line 5: 4 fields", the first few, for messages and warnings. */
export function describeRagged(bad: CsvRecordShape[], headerFields: number, limit = 5): string[] {
  const lines = bad
    .slice(0, limit)
    .map((r) => `line ${r.line}: ${plural(r.fields, 'field')} (the header has ${headerFields})`);
  if (bad.length > limit) lines.push(`… and ${bad.length - limit} more`);
  return lines;
}

export function raggedError(file: string, bad: CsvRecordShape[], headerFields: number): ValidationError {
  const first = bad[0];
  const head =
    bad.length === 1
      ? `row has ${plural(first.fields, 'field')} but the header has ${headerFields}`
      : `${bad.length} rows have the wrong number of fields (the header has ${headerFields}); the first has ` +
        `${first.fields}`;
  return new ValidationError(head, { file, line: first.line }, [
    ...describeRagged(bad, headerFields),
    'fix the rows, or set `bad_rows: quarantine` on the load cell (`--bad-rows quarantine` for `phasebook ' +
      'validate`) to drop and report them',
  ]);
}

/**
 * The text polars should parse and the 1-based line of each of its data rows: blank lines and
 * quarantined records removed. With policy `fail`, a ragged record is a ValidationError.
 */
export function conformingCsv(
  text: string,
  sep: string,
  file: string,
  policy: BadRowPolicy,
): { text: string; lines: number[]; quarantined: CsvRecordShape[]; headerFields: number } {
  const scan = scanCsv(text, sep, file);
  const bad = raggedRecords(scan);
  if (bad.length && policy === 'fail') throw raggedError(file, bad, scan.headerFields);
  if (!bad.length && !scan.blankLines)
    return { text, lines: scan.records.map((r) => r.line), quarantined: [], headerFields: scan.headerFields };
  const keep = scan.records.map((r) => r.fields === scan.headerFields);
  const parts = [text.slice(scan.headerStart, scan.bodyStart).replace(/\r?\n?$/, '\n')];
  const lines: number[] = [];
  scan.spans.forEach(([s, e], k) => {
    if (!keep[k]) return;
    parts.push(text.slice(s, e), '\n');
    lines.push(scan.records[k].line);
  });
  return { text: parts.join(''), lines, quarantined: bad, headerFields: scan.headerFields };
}
