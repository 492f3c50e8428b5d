import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { validateDataFile } from '../../phases/validate';
import { parseFlags } from '../args';
import { UsageError, type Command } from '../io';
import { BAD_ROW_POLICIES, type BadRowPolicy } from '../../frame/csvScan';

const usage =
  'phasebook validate DATA.csv|DATA.parquet --contract ' +
  'ohlcv|open_interest|funding|liquidations|long_short_ratio|FILE.yaml [--bad-rows fail|quarantine] [--json]';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a data file against a schema contract (exit 2 when it fails).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { contract: { type: 'string' }, 'bad-rows': { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const badRows = values['bad-rows'];
    if (badRows !== undefined && !(BAD_ROW_POLICIES as readonly string[]).includes(badRows)) {
      throw new UsageError(`--bad-rows takes ${BAD_ROW_POLICIES.join(' or ')}, got '${badRows}'`, usage);
    }
    if (positionals.length !== 1) throw new UserError('give exactly one data file', {}, [`usage: ${usage}`]);
    if (!values.contract) throw new UserError('--contract is required', {}, [`usage: ${usage}`]);
    const report = await validateDataFile(resolve(io.cwd, positionals[0]), values.contract, {
      baseDir: io.cwd,
      badRows: badRows as BadRowPolicy | undefined,
    });
    for (const w of report.read_warnings ?? []) io.err(`${w}\n`);
    io.out(
      values.json ? JSON.stringify(report, null, 2) + '\n' : `${positionals[0]}: valid against '${values.contract}'\n`,
    );
    return ExitCode.Ok;
  },
};
