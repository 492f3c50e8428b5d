/** The keys of a `import` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';

export const importSchema = {
  kind: 'import',
  doc: 'Reads a dataset written by export back (X/y train/val/test + meta.json).',
  needsInput: false,
  keys: {
    feature_set_id: { type: t.string(), doc: 'Feature set id of an export in the artifacts root (datasets_{id}).' },
    path: { type: t.string(), doc: 'A datasets_* directory, relative to the notebook.' },
  },
} as const;
