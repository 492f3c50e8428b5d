/** Every bad-input case, for the test that runs them all and greps for stacks. */
import { codeCases } from './codeCases';
import { contractCases } from './contractCases';
import { csvCases } from './csvCases';
import { faultCases } from './faultCases';
import { flagCases } from './flagCases';
import { locationCases } from './locationCases';
import { notebookCases } from './notebookCases';
import type { BadInputCase } from './harness';

export const allCases: BadInputCase[] = [
  ...notebookCases,
  ...csvCases,
  ...faultCases,
  ...contractCases,
  ...flagCases,
  ...locationCases,
  ...codeCases,
];
