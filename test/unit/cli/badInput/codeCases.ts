/** Cause 10: the CLI runs a ts cell only when the user allows code (--allow-code or PHASEBOOK_ALLOW_CODE=1). */
import type { BadInputCase } from './harness';

const NB =
  '# %% load prices\nsource: data.csv\n\n# %% features\nreturns: close\n\n# %% ts extra\nexport default ' +
  'function (inputs) { return inputs.features; }\n';

export const codeCases: BadInputCase[] = [
  {
    id: 'code-ts-cell-refused',
    files: { 'nb.pipeline': NB },
    args: ['run', 'nb.pipeline'],
    code: 2,
    says: [
      /nb\.pipeline:7:1 cell 'extra': ts cell 'extra' is code, and code cells run only when you allow them/,
      /arbitrary TypeScript/,
      /phasebook run nb\.pipeline --allow-code {3}\(or set PHASEBOOK_ALLOW_CODE=1\)/,
    ],
    never: [/✓ prices/, /pipeline run/],
  },
  {
    id: 'code-ts-cell-refused-for-a-downstream-cell',
    files: { 'nb.pipeline': `${NB}\n# %% features after\nfrom: extra\nreturns: close\n` },
    args: ['run', 'nb.pipeline', '--cell', 'after'],
    code: 2,
    says: [/cell 'extra': ts cell 'extra' is code/],
  },
  {
    id: 'code-env-not-1-still-refused',
    files: { 'nb.pipeline': NB },
    args: ['run', 'nb.pipeline'],
    env: { PHASEBOOK_ALLOW_CODE: 'yes' },
    code: 2,
    says: [/--allow-code/],
  },
];
