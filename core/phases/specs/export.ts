/** The keys of a `export` cell: the light schema (no frame library), for the parser and the editor. */

export const exportSchema = {
  kind: 'export',
  doc: 'Writes X/y train/val/test as Parquet plus meta.json to artifacts/datasets_{feature_set_id}/.',
  needsInput: true,
  keys: {},
} as const;
