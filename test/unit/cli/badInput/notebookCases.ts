/** Cause 3: notebook diagnostics stop `phasebook run` (exit 1, nothing run, nothing complete). */
import type { BadInputCase } from './harness';

export const notebookCases: BadInputCase[] = [
  {
    id: 'nb-cycle',
    files: {
      'nb.pipeline':
        '# %% load prices\nsource: data.csv\n\n# %% features a\nfrom: b\nreturns: close\n\n# %% features ' +
        'b\nfrom: a\nreturns: close\n',
    },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nb\.pipeline:5:7 cell 'a' key 'from': cycle: a -> b -> a/, /nb\.pipeline:9:7 cell 'b'/, /nothing was run/],
    never: [/complete/, /✓/],
  },
  {
    id: 'nb-unknown-from',
    files: { 'nb.pipeline': '# %% load prices\nsource: data.csv\n\n# %% features\nfrom: pricez\nreturns: close\n' },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nb\.pipeline:5:\d+ cell 'features' key 'from': .*pricez/, /nothing was run/],
    never: [/complete/],
  },
  {
    id: 'nb-duplicate-name',
    files: { 'nb.pipeline': '# %% load prices\nsource: data.csv\n\n# %% load prices\nsource: data.csv\n' },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nb\.pipeline:4:\d+ .*prices/, /nothing was run/],
    never: [/complete/],
  },
  {
    id: 'nb-cell-flag-other-cell-broken',
    files: { 'nb.pipeline': '# %% load prices\nsource: data.csv\n\n# %% features\nreturns: close\nlagz: [1]\n' },
    args: ['run', 'nb.pipeline', '--cell', 'prices'],
    code: 1,
    says: [/nb\.pipeline:6:1 cell 'features' key 'lagz'/, /nothing was run/],
    never: [/complete/],
  },
  {
    id: 'nb-only-markdown',
    files: { 'nb.pipeline': '# %% md\nJust notes.\n' },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nb\.pipeline: nothing to run/],
    never: [/complete/],
  },
  {
    id: 'nb-empty-file',
    files: { 'nb.pipeline': '' },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nb\.pipeline: nothing to run/],
    never: [/complete/],
  },
  {
    id: 'nb-settings-only',
    files: { 'nb.pipeline': '# %% settings\nseed: 3\n' },
    args: ['run', 'nb.pipeline'],
    code: 1,
    says: [/nothing to run/],
  },
];
