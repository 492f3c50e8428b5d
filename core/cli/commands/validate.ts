import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { validateDataFile } from '../../phases/validate';
import { parseFlags } from '../args';
import type { Command } from '../io';

const usage = 'phasebook validate DATA.csv|DATA.parquet --contract ohlcv|open_interest|funding|liquidations|long_short_ratio|FILE.yaml [--json]';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a data file against a schema contract (exit 2 when it fails).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { contract: { type: 'string' }, json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UserError('give exactly one data file', {}, [`usage: ${usage}`]);
    if (!values.contract) throw new UserError('--contract is required', {}, [`usage: ${usage}`]);
    const report = await validateDataFile(resolve(io.cwd, positionals[0]), values.contract);
    io.out(values.json ? JSON.stringify(report, null, 2) + '\n' : `${positionals[0]}: valid against '${values.contract}'\n`);
    return ExitCode.Ok;
  },
};
