/**
 * Cause 6: non-finite values fail the `finite` check at their column and line; relations charge the column they name
 * first.
 */
import { csvWithField, NB_VALIDATED } from './data';
import type { BadInputCase } from './harness';

const validate = ['validate', 'data.csv', '--contract', 'ohlcv'];

export const contractCases: BadInputCase[] = [
  {
    id: 'finite-volume-inf',
    files: { 'data.csv': csvWithField(6, 'volume', 'inf') },
    args: validate,
    code: 2,
    says: [/data\.csv:6 row 5 column 'volume': contract 'ohlcv': finite check failed: 1 row: volume is infinite/],
    never: [/valid against/],
  },
  {
    id: 'finite-volume-nan',
    files: { 'data.csv': csvWithField(6, 'volume', 'NaN') },
    args: validate,
    code: 2,
    says: [/data\.csv:6 row 5 column 'volume': .*volume is NaN/],
  },
  {
    id: 'finite-volume-minus-inf',
    files: { 'data.csv': csvWithField(9, 'volume', '-inf') },
    args: validate,
    code: 2,
    says: [/data\.csv:9 .*column 'volume'.*volume is infinite/],
  },
  {
    id: 'finite-close-nan-not-a-relation',
    files: { 'data.csv': csvWithField(8, 'close', 'NaN') },
    args: validate,
    code: 2,
    says: [/data\.csv:8 row 7 column 'close': .*finite check failed: 1 row: close is NaN/],
    never: [/close > high/, /column 'high'/],
  },
  {
    id: 'relation-charged-to-close',
    files: { 'data.csv': csvWithField(8, 'close', '99999') },
    args: validate,
    code: 2,
    says: [/data\.csv:8 row 7 column 'close': .*ohlc check failed: 1 row: close > high/],
  },
  {
    id: 'relation-charged-to-open',
    files: { 'data.csv': csvWithField(10, 'open', '0.5') },
    args: validate,
    code: 2,
    says: [/data\.csv:10 row 9 column 'open': .*open < low/],
  },
  {
    id: 'finite-in-validate-cell',
    files: { 'data.csv': csvWithField(8, 'close', 'NaN'), 'nb.pipeline': NB_VALIDATED },
    args: ['run', 'nb.pipeline'],
    code: 2,
    says: [/✗ validate/, /data\.csv:8 .*column 'close'.*close is NaN/, /features\s+skipped/],
    never: [/\(complete\)/],
  },
  {
    id: 'finite-quarantined-by-policy',
    files: {
      'data.csv': csvWithField(8, 'close', 'NaN'),
      'nb.pipeline': NB_VALIDATED.replace('contract: ohlcv', 'contract: ohlcv\npolicy: { finite: quarantine }'),
    },
    args: ['run', 'nb.pipeline'],
    code: 0,
    says: [/✓ validate .*quarantined: 1/, /✓ features/],
  },
];
