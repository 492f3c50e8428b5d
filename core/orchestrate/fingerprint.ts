/**
 * Content fingerprints of frames for checkpoints: the schema hash (column names + dtypes, in
 * order) and a content hash (schema + polars' seeded row hashes), cheap enough for every cell:
 * 8 bytes per row are hashed, never the whole frame serialised.
 */
import type pl from 'nodejs-polars';
import { canonicalJson, sha256 } from '../base/hash';

export interface SchemaColumn {
  name: string;
  dtype: string;
}

export function frameSchema(df: pl.DataFrame): SchemaColumn[] {
  return df.columns.map((name) => ({ name, dtype: String(df.getColumn(name).dtype) }));
}

/** sha256 of the column names and dtypes, in order. */
export function schemaHash(columns: readonly SchemaColumn[]): string {
  return sha256(canonicalJson(columns));
}

/** sha256 of the schema and every row's value (fixed hash seeds: the same in every process). */
export function frameHash(df: pl.DataFrame): string {
  const head = canonicalJson({ schema: frameSchema(df), rows: df.height });
  if (!df.height || !df.width) return sha256(head);
  const rows = df.hashRows(11, 23, 37, 41).toTypedArray() as unknown as BigUint64Array;
  return sha256(Buffer.concat([Buffer.from(head), Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength)]));
}

/** What changed between two schemas, in words ("added 'x'; 'close' Float64 -> String"). */
export function describeSchemaChange(before: readonly SchemaColumn[], after: readonly SchemaColumn[]): string[] {
  const was = new Map(before.map((c) => [c.name, c.dtype]));
  const now = new Map(after.map((c) => [c.name, c.dtype]));
  const out: string[] = [];
  for (const c of after) if (!was.has(c.name)) out.push(`column '${c.name}' added (${c.dtype})`);
  for (const c of before) if (!now.has(c.name)) out.push(`column '${c.name}' removed`);
  for (const c of after) {
    const d = was.get(c.name);
    if (d !== undefined && d !== c.dtype) out.push(`column '${c.name}' was ${d}, now ${c.dtype}`);
  }
  if (!out.length) out.push('the column order changed');
  return out;
}
