/**
 * parseNotebook: `.pipeline` text -> cells with names, configs, upstream references and
 * diagnostics (0-based line/column in the whole file). Pure: never touches the disk; phase kinds
 * and keys come from the registry.
 */
import { buildGraph } from './dag';
import { COMMON_KEYS, SETTINGS_KEYS, SETTINGS_KIND, getSchema, schemaKinds } from '../spec/registry';
import { closest, didYouMean } from '../base/schema';
import { checkKeys } from './checkKeys';
import { fromTsComment, fromYaml, type FromRefs } from './fromRefs';
import { BodyLocator, lineRange } from './locate';
import { MARKDOWN_KINDS, TS_KIND, parseMarker, type Marker } from './marker';
import { assignNames } from './names';
import { countEols, headerParts, normaliseEols, splitNotebook } from './split';
import type { Cell, CellType, Diagnostic, ParsedNotebook, Range } from './types';
import { parseYamlBody } from './yamlBody';

export interface ParseOptions {
  /** The file's path, kept on the result for messages. */
  file?: string;
}

interface Draft {
  cell: Cell;
  marker: Marker;
  headerText: string;
  headerRange: Range;
  refs?: FromRefs;
  /** YAML syntax errors or an unusable `from`: do not report a missing upstream on top. */
  quiet: boolean;
  needsInput: boolean;
}

function cellTypeOf(kind: string | undefined): CellType {
  if (kind !== undefined && MARKDOWN_KINDS.includes(kind)) return 'markdown';
  return kind === TS_KIND ? 'ts' : 'phase';
}

function kindDiagnostics(d: Draft): Diagnostic[] {
  const { marker, cell } = d;
  const out: Diagnostic[] = [];
  const err = (code: Diagnostic['code'], range: Range, message: string): void => {
    out.push({ severity: 'error', code, cellIndex: cell.index, range, message });
  };
  if (!marker.kind) {
    err(
      'unknown-kind',
      d.headerRange,
      `cell marker has no kind: write '# %% <kind> [<name>]', e.g. '# %% load prices'`,
    );
  } else if (cell.type === 'phase' && cell.kind !== SETTINGS_KIND && !getSchema(cell.kind)) {
    const candidates = [...schemaKinds(), SETTINGS_KIND, 'md', TS_KIND];
    const near = closest(cell.kind, candidates);
    const k = marker.kind;
    err(
      'unknown-kind',
      lineRange(cell.headerLine, k.column, k.column + k.text.length),
      `unknown phase kind '${cell.kind}'${didYouMean(near)}`,
    );
  }
  if (marker.extra) {
    const x = marker.extra;
    err(
      'bad-name',
      lineRange(cell.headerLine, x.column, x.column + x.text.length),
      `unexpected '${x.text}' after the cell name: a marker is '# %% <kind> [<name>]'`,
    );
  }
  return out;
}

/** Fills config, keys and `from` of one cell from its body; returns its diagnostics. */
function readBody(d: Draft, loc: BodyLocator): Diagnostic[] {
  const { cell } = d;
  if (cell.type === 'markdown') return [];
  if (cell.type === 'ts') {
    d.refs = fromTsComment(loc);
    return [];
  }
  const body = parseYamlBody(loc, cell.index);
  cell.config = body.config;
  cell.keyPositions = body.keyPositions;
  cell.keyPaths = body.keyPaths;
  const out = [...body.diagnostics];
  d.quiet = !body.ok;
  const isSettings = cell.kind === SETTINGS_KIND;
  const spec = isSettings ? undefined : getSchema(cell.kind);
  if (isSettings || spec) {
    const specs = isSettings ? SETTINGS_KEYS : { ...COMMON_KEYS, ...spec?.keys };
    const owner = isSettings ? 'the settings cell' : `phase '${cell.kind}'`;
    out.push(...checkKeys({ body, loc, specs, cellIndex: cell.index, headerRange: d.headerRange, owner }));
    d.needsInput = spec?.needsInput ?? false;
  }
  if (!isSettings) {
    d.refs = fromYaml(loc, body.pairs.get('from'));
    if (d.refs?.broken) d.quiet = true;
  }
  return out;
}

function resolveFrom(drafts: Draft[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byName = new Map(drafts.map((d) => [d.cell.name, d.cell]));
  const producers = drafts.filter(
    (d) => d.cell.type === 'ts' || (d.cell.type === 'phase' && d.cell.kind !== SETTINGS_KIND),
  );
  const producerSet = new Set(producers);
  const producerNames = producers.map((p) => p.cell.name);
  let above: Cell | undefined;
  for (const d of drafts) {
    const { cell } = d;
    const isProducer = producerSet.has(d);
    if (isProducer && d.refs) {
      cell.explicitFrom = true;
      cell.from = [...d.refs.names];
      cell.fromRanges = [...d.refs.ranges];
    } else if (isProducer && (d.needsInput || cell.type === 'ts' || !getSchema(cell.kind)) && above) {
      cell.from = [above.name];
    }
    if (isProducer && d.needsInput && cell.from.length === 0 && !d.quiet) {
      const how = cell.explicitFrom ? 'its from: is empty' : 'there is no phase cell above it';
      out.push({
        severity: 'error',
        code: 'no-upstream',
        cellIndex: cell.index,
        range: d.headerRange,
        message: `phase '${cell.kind}' needs an input but ${how}: add 'from: <cell name>'`,
      });
    }
    cell.from.forEach((name, i) => {
      const range = cell.fromRanges?.[i] ?? d.headerRange;
      const target = byName.get(name);
      const err = (message: string): void => {
        out.push({ severity: 'error', code: 'unknown-from', cellIndex: cell.index, key: 'from', range, message });
      };
      if (!target) {
        const near = closest(
          name,
          producerNames.filter((n) => n !== cell.name),
        );
        err(`unknown cell '${name}' in from${didYouMean(near)}`);
      } else if (target.type === 'markdown') err(`cell '${name}' is a markdown cell and has no output`);
      else if (target.kind === SETTINGS_KIND && target.type === 'phase')
        err(`cell '${name}' is the settings cell and has no output`);
    });
    if (isProducer) above = cell;
  }
  return out;
}

function cycleDiagnostics(drafts: Draft[]): Diagnostic[] {
  const graph = buildGraph(drafts.map((d) => d.cell));
  const byName = new Map(drafts.map((d) => [d.cell.name, d]));
  const out: Diagnostic[] = [];
  for (const cycle of graph.cycles) {
    const message = `cycle: ${cycle.join(' -> ')}`;
    for (let i = 1; i < cycle.length; i++) {
      const d = byName.get(cycle[i]) as Draft;
      const at = d.cell.from.indexOf(cycle[i - 1]);
      const range = d.cell.fromRanges?.[at] ?? d.headerRange;
      out.push({ severity: 'error', code: 'cycle', cellIndex: d.cell.index, key: 'from', range, message });
    }
  }
  return out;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (
    a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || a.cellIndex - b.cellIndex
  );
}

export function parseNotebook(text: string, opts: ParseOptions = {}): ParsedNotebook {
  const nt = splitNotebook(text);
  const diagnostics: Diagnostic[] = [];
  const drafts: Draft[] = [];
  let line = countEols(nt.preamble);
  nt.cells.forEach((raw, index) => {
    const head = headerParts(raw.header);
    const marker = parseMarker(head.text);
    const rawKind = marker.kind?.text;
    const type = cellTypeOf(rawKind);
    const kind = type === 'markdown' ? 'md' : (rawKind ?? '');
    const cell: Cell = {
      index,
      type,
      kind,
      name: '',
      explicitName: marker.name !== undefined,
      headerLine: line,
      bodyLine: line + 1,
      source: normaliseEols(raw.body),
      config: {},
      from: [],
      explicitFrom: false,
      keyPositions: {},
      keyPaths: {},
    };
    drafts.push({
      cell,
      marker,
      headerText: head.text,
      headerRange: lineRange(line, 0, head.text.length),
      quiet: false,
      needsInput: false,
    });
    line += (head.eol ? 1 : 0) + countEols(raw.body);
  });

  const named = assignNames(
    drafts.map((d) => ({
      index: d.cell.index,
      base: d.cell.kind || 'cell',
      explicit: d.marker.name,
      headerLine: d.cell.headerLine,
    })),
  );
  drafts.forEach((d, i) => (d.cell.name = named.names[i]));
  diagnostics.push(...named.diagnostics);

  let settingsLine: number | undefined;
  for (const d of drafts) {
    diagnostics.push(...kindDiagnostics(d));
    if (d.cell.type === 'phase' && d.cell.kind === SETTINGS_KIND) {
      if (settingsLine === undefined) settingsLine = d.cell.headerLine;
      else {
        const k = d.marker.kind ?? { column: 0, text: d.headerText };
        diagnostics.push({
          severity: 'error',
          code: 'duplicate-name',
          cellIndex: d.cell.index,
          range: lineRange(d.cell.headerLine, k.column, k.column + k.text.length),
          message: `only one settings cell is allowed (the first is on line ${settingsLine + 1})`,
        });
      }
    }
    diagnostics.push(...readBody(d, new BodyLocator(d.cell.source, d.cell.bodyLine)));
  }
  diagnostics.push(...resolveFrom(drafts), ...cycleDiagnostics(drafts));
  diagnostics.sort(byPosition);
  const parsed: ParsedNotebook = { text: nt, cells: drafts.map((d) => d.cell), diagnostics };
  if (opts.file !== undefined) parsed.file = opts.file;
  return parsed;
}
