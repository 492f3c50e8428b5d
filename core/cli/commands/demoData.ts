import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { writeDemoCsv } from '../../demo/ohlcv';
import { intFlag, parseFlags } from '../args';
import type { Command } from '../io';

const usage = 'phasebook demo-data OUT.csv [--symbols 4] [--bars 4000] [--bar-minutes 60] [--seed 7] [--clean]';

export const demoDataCommand: Command = {
  name: 'demo-data',
  summary: 'Write seeded, realistic multi-symbol OHLCV (with a few planted bad rows unless --clean).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        symbols: { type: 'string' },
        bars: { type: 'string' },
        'bar-minutes': { type: 'string' },
        seed: { type: 'string' },
        clean: { type: 'boolean' },
      },
      usage,
    );
    if (positionals.length !== 1 || !positionals[0].endsWith('.csv'))
      throw new UserError('give one output path ending in .csv', {}, [`usage: ${usage}`]);
    const symbols = intFlag(values.symbols, 'symbols', usage) ?? 4;
    const bars = intFlag(values.bars, 'bars', usage) ?? 4000;
    if (symbols < 1 || symbols > 20) throw new UserError(`--symbols must be 1..20, got ${symbols}`);
    if (bars < 20) throw new UserError(`--bars must be at least 20, got ${bars}`);
    const out = resolve(io.cwd, positionals[0]);
    const r = writeDemoCsv(out, {
      symbols,
      bars,
      seed: intFlag(values.seed, 'seed', usage) ?? 7,
      barMinutes: intFlag(values['bar-minutes'], 'bar-minutes', usage),
      badRows: !values.clean,
    });
    io.out(`${positionals[0]}: ${r.rows.toLocaleString('en-US')} rows, ${symbols} symbols\n`);
    for (const d of r.defects)
      io.out(`  planted ${d.kind} at row ${d.row} (${d.symbol} ${d.timestamp}${d.bars ? `, ${d.bars} bars` : ''})\n`);
    return ExitCode.Ok;
  },
};
