/** Cause 8: errors sit at the exact line and column — the compiler's for ts cells, a nested key's own for YAML. */
import type { BadInputCase } from './harness';

const LOAD = '# %% load prices\nsource: data.csv\n\n';
const TS_BODY = [
  'export default function (inputs, { pl }) {',
  '  const f = inputs.prices;',
  '  const a = 1;',
  '  const b = 2;',
  '  const c = a + b;',
  '  const d = = 3;',
  '  return f;',
  '}',
  '',
].join('\n');

export const locationCases: BadInputCase[] = [
  {
    id: 'loc-ts-syntax-line6',
    // body line 6 is file line 10; the compiler stops at the second '=' (column 13)
    files: { 'nb.pipeline': `${LOAD}# %% ts extra\n${TS_BODY}` },
    args: ['run', 'nb.pipeline', '--allow-code'],
    code: 1,
    says: [/nb\.pipeline:10:13 cell 'extra': TypeScript does not compile: Unexpected "="/],
    never: [/nb\.pipeline:4:1 /, /complete/],
  },
  {
    id: 'loc-nested-expression',
    files: {
      'nb.pipeline': `${LOAD}# %% features\nreturns: close\nexpressions:\n  ok: close / open\n  fut: close +* 2\n`,
    },
    args: ['run', 'nb.pipeline'],
    code: 1,
    // 'fut' is on line 8 at column 3, its value at column 8, the stray '*' 7 characters in
    says: [
      /nb\.pipeline:8:15 cell 'features' key 'expressions\.fut': expected a number, a column or a function at '\*'/,
      /nothing was run/,
    ],
    never: [/nb\.pipeline:6:1 /, /complete/, /key 'expressions\.fut': key/],
  },
  {
    id: 'loc-nested-expression-quoted',
    files: { 'nb.pipeline': `${LOAD}# %% features\nreturns: close\nexpressions:\n  fut: "close +* 2"\n` },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nb\.pipeline:7:16 cell 'features' key 'expressions\.fut'/],
  },
  {
    id: 'loc-nested-expression-unknown-column',
    // found when the cell runs, not by the parser: still at the nested key, not at 'expressions:'
    files: {
      'nb.pipeline': `${LOAD}# %% features\nreturns: close\nexpressions:\n  ok: close / open\n  fut: close / nosuch\n`,
    },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nb\.pipeline:8:3 cell 'features' key 'expressions\.fut': no column 'nosuch'/],
    never: [/nb\.pipeline:6:1 /],
  },
  {
    id: 'loc-nested-list-element',
    files: {
      'nb.pipeline': `${LOAD}# %% features\nreturns: close\nrolling:\n  - windows: [5]\n  - windows: [10, x]\n`,
    },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nb\.pipeline:8:19 cell 'features' key 'rolling'.*rolling\[1\]\.windows\[1\]/, /nothing was run/],
    never: [/nb\.pipeline:6:1 /],
  },
  {
    id: 'loc-nested-unknown-key',
    files: { 'nb.pipeline': `${LOAD}# %% features\nreturns: close\nrolling:\n  windows: [5]\n  statz: [mean]\n` },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [
      /nb\.pipeline:8:3 cell 'features' key 'rolling'.*unknown key 'statz'.*did you mean 'stats'/,
      /nothing was run/,
    ],
  },
];
