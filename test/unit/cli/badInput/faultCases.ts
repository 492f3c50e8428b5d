/** Cause 2: I/O errors, polars dtype errors and errors in user code are UserErrors naming the place. */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { csvWithField, NB_LOAD_FEATURES } from './data';
import type { BadInputCase } from './harness';

const run = ['run', 'nb.pipeline'];
const runCode = ['run', 'nb.pipeline', '--allow-code'];
const tsNotebook = (body: string) => `# %% load prices\nsource: data.csv\n\n# %% ts custom\n${body}\n`;

export const faultCases: BadInputCase[] = [
  {
    id: 'fault-text-close-in-features',
    files: { 'data.csv': csvWithField(11, 'close', 'abc'), 'nb.pipeline': NB_LOAD_FEATURES },
    args: run,
    code: 1,
    says: [
      /✗ features/,
      /nb\.pipeline:\d+:\d+ cell 'features' column 'close': the data does not fit this operation/,
      /text columns in the cell's input: close/,
      /`validate` cell/,
    ],
  },
  {
    id: 'fault-ts-module-body-throws',
    files: {
      'nb.pipeline': tsNotebook(
        "throw new Error('boom at load');\nexport default function (inputs) { return inputs.prices; }",
      ),
    },
    args: runCode,
    code: 1,
    says: [/cell 'custom'.*the cell's module body threw: boom at load/],
  },
  {
    id: 'fault-ts-function-throws',
    files: { 'nb.pipeline': tsNotebook("export default function () { throw new Error('boom in fn'); }") },
    args: runCode,
    code: 1,
    says: [/cell 'custom'.*the cell's function threw: boom in fn/],
  },
  {
    id: 'fault-ts-polars-error-in-user-code',
    files: {
      'nb.pipeline': tsNotebook(
        "export default function (inputs, { pl }) { return inputs.prices.select(pl.col('nope')); }",
      ),
    },
    args: runCode,
    code: 1,
    says: [/cell 'custom'.*nope/],
  },
  {
    id: 'fault-unreadable-data-validate',
    files: {},
    prepare: (dir) => chmodSync(join(dir, 'data.csv'), 0),
    args: ['validate', 'data.csv', '--contract', 'ohlcv'],
    code: 1,
    says: [/data\.csv: cannot read data\.csv: permission denied \(EACCES\)/],
  },
  {
    id: 'fault-unreadable-data-load',
    files: { 'nb.pipeline': NB_LOAD_FEATURES },
    prepare: (dir) => chmodSync(join(dir, 'data.csv'), 0),
    args: run,
    code: 1,
    says: [/cell 'prices': cannot read data\.csv: permission denied \(EACCES\)/],
  },
  {
    id: 'fault-unreadable-notebook',
    files: { 'nb.pipeline': NB_LOAD_FEATURES },
    prepare: (dir) => chmodSync(join(dir, 'nb.pipeline'), 0),
    args: run,
    code: 1,
    says: [/cannot open nb\.pipeline: permission denied \(EACCES\)/],
  },
];

/** Cases that need a non-root user (root reads any file). */
export const permissionCaseIds = [
  'fault-unreadable-data-validate',
  'fault-unreadable-data-load',
  'fault-unreadable-notebook',
];
