import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { metricsDbPath } from '../../orchestrate/metricsDb';
import { resolveRoots } from '../../runs/roots';
import { formatCreated, renderTable } from '../../runs/table';
import { listTrials, setTrialExclusion, type Trial } from '../../runs/trials';
import { returnMoments, selectionLine, selectionReport } from '../../stats';
import { parseFlags } from '../args';
import { UsageError, type Command } from '../io';

const usage =
  'phasebook trials [--study NAME] [--exclude TRIAL --reason TEXT | --include TRIAL] [--json] [--dir ' +
  'PROJECT] [--db FILE]';

const annualSharpe = (t: Trial): number => returnMoments(t.returns).sharpe * Math.sqrt(t.periodsPerYear);

function studyReport(trials: Trial[]) {
  const kept = trials.filter((t) => !t.excluded);
  return selectionReport(
    kept.map((t) => ({ name: t.trial, times: t.times, returns: t.returns, periodsPerYear: t.periodsPerYear })),
  );
}

function studiesTable(trials: Trial[]): string {
  const studies = [...new Set(trials.map((t) => t.study))];
  const rows = studies.map((s) => {
    const of = trials.filter((t) => t.study === s);
    const r = studyReport(of);
    return [
      s,
      String(of.length),
      String(of.filter((t) => t.excluded).length),
      r ? selectionLine(r) : '(every trial excluded)',
    ];
  });
  return renderTable(['study', 'trials', 'excluded', 'best (selection-adjusted)'], rows);
}

function trialsTable(study: string, trials: Trial[]): string {
  const rows = trials.map((t) => [
    t.trial,
    Object.keys(t.branch).length ? Object.values(t.branch).join(' / ') : '',
    annualSharpe(t).toFixed(3),
    String(t.returns.length),
    formatCreated(t.recorded),
    t.excluded ? `excluded: ${t.excluded.reason}` : '',
  ]);
  const r = studyReport(trials);
  const head =
    `study ${study}: ${trials.length} trial${trials.length === 1 ? '' : 's'}, ` +
    `${trials.filter((t) => t.excluded).length} excluded\n`;
  const foot = r
    ? `\n${selectionLine(r)} (best: ${r.selected}; expected max Sharpe of ${r.distinct} distinct unskilled ` +
      `trials ${(r.deflated.expectedMax * Math.sqrt(r.periodsPerYear)).toFixed(3)}; MinBTL ` +
      `${r.minBacktestYears.toFixed(2)} years, backtest ${r.backtestYears.toFixed(2)} ` +
      `years${r.pbo ? '' : `; PBO: ${r.pboSkipped}`})\n`
    : '\nevery trial is excluded\n';
  return head + renderTable(['trial', 'branch', 'sharpe', 'periods', 'recorded (UTC)', 'note'], rows) + foot;
}

export const trialsCommand: Command = {
  name: 'trials',
  summary:
    'List the trial ledger of artifacts/metrics.db per study, with deflated Sharpe and PBO; exclude a trial ' +
    'by name with a reason.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        study: { type: 'string' },
        exclude: { type: 'string' },
        include: { type: 'string' },
        reason: { type: 'string' },
        json: { type: 'boolean' },
        dir: { type: 'string' },
        db: { type: 'string' },
      },
      usage,
    );
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`, usage);
    const db = values.db
      ? resolve(io.cwd, values.db)
      : metricsDbPath(resolveRoots(resolve(io.cwd, values.dir ?? '.')).artifacts);
    if (values.exclude !== undefined || values.include !== undefined) {
      if (values.exclude !== undefined && values.include !== undefined)
        throw new UsageError('give --exclude or --include, not both', usage);
      if (values.study === undefined) throw new UsageError('--exclude and --include need --study NAME', usage);
      if (values.exclude !== undefined && !values.reason?.trim())
        throw new UsageError('--exclude needs --reason TEXT (it is recorded with the exclusion)', usage);
      const trial = (values.exclude ?? values.include)!;
      await setTrialExclusion(
        db,
        values.study,
        trial,
        values.exclude !== undefined ? values.reason!.trim() : undefined,
      );
      io.out(
        values.exclude !== undefined
          ? `excluded ${trial} from ${values.study}: ${values.reason!.trim()}\n`
          : `included ${trial} in ${values.study} again\n`,
      );
    }
    const all = await listTrials(db, values.study);
    if (!all.length) {
      if (values.study !== undefined) {
        const studies = [...new Set((await listTrials(db)).map((t) => t.study))];
        throw new UserError(`no study '${values.study}' in the trial ledger`, { file: db }, [
          studies.length ? `studies: ${studies.join(', ')}` : 'no trials recorded yet',
        ]);
      }
      io.out('no trials recorded yet: run a notebook with a backtest, walk_forward or scenario_compare cell\n');
      return ExitCode.Ok;
    }
    if (values.json) {
      const out = all.map((t) => ({
        study: t.study,
        trial: t.trial,
        cell: t.cell,
        branch: t.branch,
        metric: t.metric,
        value: t.value,
        sharpe: annualSharpe(t),
        periods: t.returns.length,
        periods_per_year: t.periodsPerYear,
        recorded: t.recorded,
        excluded: t.excluded ?? null,
      }));
      io.out(`${JSON.stringify(out, null, 2)}\n`);
      return ExitCode.Ok;
    }
    io.out(values.study !== undefined ? trialsTable(values.study, all) : studiesTable(all));
    return ExitCode.Ok;
  },
};
