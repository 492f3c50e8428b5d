/**
 * The in-memory model of a `.pipeline` file (docs/design.md §3).
 *
 * The text is kept as raw slices so that serialize(parse(text)) === text byte for byte:
 * a preamble (anything before the first `# %%` marker) and, per cell, its marker line and
 * body exactly as they appeared, line endings included.
 */

export type CellType = 'markdown' | 'phase' | 'ts';

export interface RawCell {
  /** The marker line including its line ending, e.g. "# %% load prices\n". */
  header: string;
  /** Everything after the marker line up to the next marker, line endings included. */
  body: string;
}

export interface NotebookText {
  preamble: string;
  cells: RawCell[];
}

/** A 0-based position in the whole file. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  message: string;
  /** Range in the whole file (0-based lines/columns). */
  range: Range;
  /** Index of the cell the diagnostic belongs to (-1 for the preamble). */
  cellIndex: number;
  /** The config key at fault, when there is one. */
  key?: string;
  code: DiagnosticCode;
}

export type DiagnosticCode =
  | 'yaml'
  | 'unknown-kind'
  | 'unknown-key'
  | 'wrong-type'
  | 'missing-key'
  | 'unknown-from'
  | 'cycle'
  | 'duplicate-name'
  | 'bad-name'
  | 'no-upstream';

export interface Cell {
  index: number;
  type: CellType;
  /** Phase kind (`load`, `features`...), `md` or `ts`. */
  kind: string;
  /** Unique name: explicit, or the kind with a numeric suffix (`features`, `features_2`). */
  name: string;
  /** True when the name came from the marker line rather than from the default. */
  explicitName: boolean;
  /** 0-based line of the marker in the whole file. */
  headerLine: number;
  /** 0-based line of the first body line in the whole file. */
  bodyLine: number;
  /** The body text with line endings normalised to \n. */
  source: string;
  /** Parsed YAML config for phase cells ({} when empty or invalid). */
  config: Record<string, unknown>;
  /** Upstream cell names, as written in `from:` or implied (nearest phase cell above). */
  from: string[];
  /** Whether `from` was written explicitly. */
  explicitFrom: boolean;
  /** Where each explicit `from` name is written (parallel to `from`; absent when implied). */
  fromRanges?: Range[];
  /** Where each top-level config key sits (0-based, whole file) — for diagnostics and hovers. */
  keyPositions: Record<string, Position>;
  /**
   * Every nested key and list element ('expressions.fut', 'rolling[0].windows'): where its key and
   * its value text start (0-based, whole file) — so an error in a nested key is reported at it.
   */
  keyPaths: Record<string, KeyPlace>;
}

/** Where a (nested) key sits: its key (absent for list elements) and the first character of its value's text. */
export interface KeyPlace {
  key?: Position;
  value?: Position;
}

export interface ParsedNotebook {
  text: NotebookText;
  cells: Cell[];
  diagnostics: Diagnostic[];
  /** The path given to parseNotebook, if any. */
  file?: string;
}
