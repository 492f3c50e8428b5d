/** Causes 1, 5 and 7: ragged rows, quoting errors and empty files, in `validate` and in `load`. */
import { csvWithLine, demoRows, HEADER, NB_LOAD_FEATURES } from './data';
import type { BadInputCase } from './harness';

const rows = demoRows();
const short = rows[3].split(',').slice(0, 4).join(','); // file line 5
const long = `${rows[7]},1,2`; // file line 9
const ragged = [HEADER, ...rows.map((r, i) => (i === 3 ? short : i === 7 ? long : r))].join('\n') + '\n';
const validate = (file = 'data.csv', ...more: string[]) => ['validate', file, '--contract', 'ohlcv', ...more];
const run = ['run', 'nb.pipeline'];
const allBad = [HEADER, ...demoRows(6).map((r) => r.replace(/,([\d.]+)$/, ',-1'))].join('\n') + '\n';

export const csvCases: BadInputCase[] = [
  // 1: wrong field count
  {
    id: 'csv-short-row-validate',
    files: { 'data.csv': csvWithLine(5, short) },
    args: validate(),
    code: 2,
    says: [/data\.csv:5: row has 4 fields but the header has 7/],
    never: [/valid against/],
  },
  {
    id: 'csv-long-row-validate',
    files: { 'data.csv': csvWithLine(9, long) },
    args: validate(),
    code: 2,
    says: [/data\.csv:9: row has 9 fields but the header has 7/],
  },
  {
    id: 'csv-ragged-both-validate',
    files: { 'data.csv': ragged },
    args: validate(),
    code: 2,
    says: [
      /data\.csv:5: 2 rows have the wrong number of fields \(the header has 7\)/,
      /line 5: 4 fields/,
      /line 9: 9 fields/,
    ],
  },
  {
    id: 'csv-ragged-load',
    files: { 'data.csv': ragged, 'nb.pipeline': NB_LOAD_FEATURES },
    args: run,
    code: 2,
    says: [/✗ prices/, /data\.csv:5 cell 'prices': 2 rows have the wrong number of fields/, /features\s+skipped/],
    never: [/\(complete\)/],
  },
  {
    id: 'csv-ragged-validate-quarantine',
    files: { 'data.csv': ragged },
    args: validate('data.csv', '--bad-rows', 'quarantine'),
    code: 0,
    says: [
      /quarantined 2 rows with the wrong number of fields/,
      /line 5: 4 fields/,
      /line 9: 9 fields/,
      /valid against 'ohlcv'/,
    ],
  },
  {
    id: 'csv-ragged-load-quarantine',
    files: {
      'data.csv': ragged,
      'nb.pipeline': NB_LOAD_FEATURES.replace('source: data.csv', 'source: data.csv\nbad_rows: quarantine'),
    },
    args: run,
    code: 0,
    says: [
      /rows: 238 /,
      /quarantined: 2/,
      /warning: \S*data\.csv: quarantined 2 rows with the wrong number of fields — line 5: 4 fields/,
    ],
  },
  {
    id: 'csv-bad-rows-flag',
    files: {},
    args: validate('data.csv', '--bad-rows', 'drop'),
    code: 1,
    says: [/--bad-rows takes fail or quarantine, got 'drop'/],
  },
  // 5: quoting
  {
    id: 'csv-unclosed-quote',
    files: { 'data.csv': csvWithLine(7, rows[5].replace('BTC', '"BTC')) },
    args: validate(),
    code: 2,
    says: [/data\.csv:7:22: unclosed quote: the quoted field opened on line 7 never closes/],
  },
  {
    id: 'csv-stray-quote',
    files: { 'data.csv': csvWithLine(7, rows[5].replace('BTC', 'BT"C')) },
    args: validate(),
    code: 2,
    says: [/data\.csv:7:24: stray quote inside an unquoted field: 'BT"C'/],
  },
  {
    id: 'csv-text-after-quote',
    files: { 'data.csv': csvWithLine(12, rows[10].replace('BTC', '"BTC"x')) },
    args: validate(),
    code: 2,
    says: [/data\.csv:12:\d+: text after a closing quote/],
  },
  {
    id: 'csv-quote-load',
    files: { 'data.csv': csvWithLine(7, rows[5].replace('BTC', '"BTC')), 'nb.pipeline': NB_LOAD_FEATURES },
    args: run,
    code: 2,
    says: [/data\.csv:7:22 cell 'prices': unclosed quote/],
  },
  // 7: no rows
  {
    id: 'csv-header-only-validate',
    files: { 'data.csv': `${HEADER}\n` },
    args: validate(),
    code: 2,
    says: [/data\.csv: the file has no rows, only a header line/],
    never: [/valid against/],
  },
  {
    id: 'csv-zero-bytes-validate',
    files: { 'data.csv': '' },
    args: validate(),
    code: 2,
    says: [/data\.csv: the file is empty/],
  },
  {
    id: 'csv-header-only-load',
    files: { 'data.csv': `${HEADER}\n`, 'nb.pipeline': NB_LOAD_FEATURES },
    args: run,
    code: 2,
    says: [/✗ prices/, /the file has no rows, only a header line/],
    never: [/windows longer/, /\(complete\)/],
  },
  {
    id: 'csv-header-and-blank-lines',
    files: { 'data.csv': `${HEADER}\n\n\n` },
    args: validate(),
    code: 2,
    says: [/the file has no rows/],
  },
  {
    id: 'csv-empty-warn-policy',
    files: { 'data.csv': `${HEADER}\n`, 'nb.pipeline': '# %% load prices\nsource: data.csv\nempty: warn\n' },
    args: run,
    code: 0,
    says: [/✓ prices/, /warning: the file has no rows/],
  },
  // 7: the first cell that sees no rows says so
  {
    id: 'csv-all-rows-quarantined',
    files: {
      'data.csv': allBad,
      'nb.pipeline':
        '# %% load prices\nsource: data.csv\n\n# %% validate\ncontract: ohlcv\npolicy: { ohlc: quarantine ' +
        '}\n\n# %% features\nreturns: close\n',
    },
    args: ['run', 'nb.pipeline'],
    code: 2,
    says: [
      /✗ validate/,
      /cell 'validate' key 'policy': no rows left: all 6 rows were quarantined/,
      /ohlc: 6 rows: volume < 0/,
    ],
    never: [/windows longer/, /\(complete\)/],
  },
];
