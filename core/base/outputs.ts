/**
 * What a phase shows besides its frame: charts, tables, artifacts and summary values (a leaf: charts/, frame/ and
 * backtest/ build them).
 */
import type pl from 'nodejs-polars';

/** A vega-lite chart: the spec carries no inline data; `data` is named frames sent as Arrow IPC. */
export interface ChartOutput {
  id: string;
  title: string;
  /** A vega-lite spec whose data is `{ name: <key of data> }`. */
  spec: Record<string, unknown>;
  data: Record<string, pl.DataFrame>;
}

export interface TableOutput {
  title: string;
  frame: pl.DataFrame;
}

export interface ArtifactRef {
  /** Absolute path. */
  path: string;
  /** What it is, in a few words ("validation report", "scaler"). */
  label: string;
}

export type SummaryValue = string | number | boolean | null;
