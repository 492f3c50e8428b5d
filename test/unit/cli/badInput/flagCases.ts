/** Causes 4 and 9: a flag error names the flag and its value, once; `cv --data` runs the ohlcv contract. */
import { csvWithField, demoRows, HEADER } from './data';
import type { BadInputCase } from './harness';

const cv = (...more: string[]) => ['cv', '--data', 'data.csv', ...more];
const once = (re: string): RegExp => new RegExp(`^(?![\\s\\S]*${re}[\\s\\S]*${re})[\\s\\S]*${re}`);
const never = [/phasebook-cli\.pipeline/, /cell '__cli_/];

/** high < low on file lines 20 and 41 (low and high swapped). */
function highBelowLow(): string {
  const rows = demoRows(400);
  for (const i of [18, 39]) {
    const f = rows[i].split(',');
    [f[3], f[4]] = [f[4], f[3]];
    rows[i] = f.join(',');
  }
  return [HEADER, ...rows].join('\n') + '\n';
}

export const flagCases: BadInputCase[] = [
  {
    id: 'flag-unknown-model',
    files: {},
    args: cv('--models', 'ridge,nosuchmodel'),
    code: 1,
    says: [once("--models 'ridge,nosuchmodel': unknown model 'nosuchmodel'"), /models: linear, ridge/],
    never,
  },
  {
    id: 'flag-output-name-escapes',
    files: {},
    args: cv('--models', 'ridge', '--output-name', '../../etc'),
    code: 1,
    says: [once("--output-name '\\.\\./\\.\\./etc': it contains a path separator")],
    never,
  },
  {
    id: 'flag-n-splits-too-small',
    files: {},
    args: cv('--models', 'ridge', '--n-splits', '1'),
    code: 1,
    says: [once("--n-splits '1': must be at least 2, got 1")],
    never,
  },
  {
    id: 'flag-n-splits-not-a-number',
    files: {},
    args: cv('--models', 'ridge', '--n-splits', 'three'),
    code: 1,
    says: [once("--n-splits takes a whole number, got 'three'")],
    never,
  },
  {
    id: 'flag-task-unknown',
    files: {},
    args: cv('--models', 'ridge', '--task', 'foo'),
    code: 1,
    says: [once("--task 'foo': expected one of 'classification', 'regression'")],
    never,
  },
  {
    id: 'flag-pct-embargo-not-a-number',
    files: {},
    args: cv('--models', 'ridge', '--pct-embargo', 'abc'),
    code: 1,
    says: [once("--pct-embargo takes a number, got 'abc'")],
    never,
  },
  {
    id: 'flag-horizon-zero',
    files: {},
    args: cv('--models', 'ridge', '--horizons', '0'),
    code: 1,
    says: [once("--horizons takes whole numbers, got '0'")],
    never,
  },
  {
    id: 'flag-data-missing-file',
    files: {},
    args: ['cv', '--data', 'nope.csv', '--models', 'ridge'],
    code: 1,
    says: [once('data file not found: \\S*nope\\.csv')],
    never,
  },
  { id: 'flag-unknown-flag', files: {}, args: cv('--modles', 'ridge'), code: 1, says: [/--modles/], never },
  {
    id: 'flag-validate-no-contract',
    files: {},
    args: ['validate', 'data.csv'],
    code: 1,
    says: [/--contract is required/],
  },
  {
    id: 'flag-run-seed',
    files: { 'nb.pipeline': '# %% load prices\nsource: data.csv\n' },
    args: ['run', 'nb.pipeline', '--seed', 'x'],
    code: 1,
    says: [once("--seed takes a whole number, got 'x'")],
  },
  // 9: cv --data validates the data as the demo does
  {
    id: 'cv-data-quarantines-high-below-low',
    files: { 'data.csv': highBelowLow() },
    args: cv('--models', 'ridge', '--horizons', '5', '--n-splits', '3'),
    code: 0,
    says: [
      /Validated data\.csv against the ohlcv contract: quarantined ohlc: 2 rows: low > high/,
      /✓ validate .*quarantined: 2/,
      /CV Run ID: /,
    ],
  },
  {
    id: 'cv-data-fails-on-column-check',
    files: { 'data.csv': csvWithField(1, 'volume', 'vol') },
    args: cv('--models', 'ridge', '--horizons', '5', '--n-splits', '3'),
    code: 2,
    says: [/✗ validate/, /phasebook cv: .*required column 'volume' is missing/],
    never: [/CV Run ID/, ...never],
  },
];
