/**
 * `validate`: checks the upstream frame against a data contract, writes
 * `<artifacts>/validation_report.json`, moves rows of checks with policy `quarantine` to
 * `<artifacts>/quarantine_<cell>.parquet`, and stops the pipeline (ValidationError, exit code 2)
 * when a check with policy `fail` fails. Downstream cells receive the clean rows.
 */
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { anomalyChart, nullRateChart } from '../charts';
import { chartToOutput } from '../charts/frames';
import { UserError, ValidationError } from '../errors';
import { withDataset } from '../frame/dataset';
import { BUILTIN_CONTRACTS, parseDuration, resolveContract } from '../frame/contracts';
import { displayPath } from '../frame/io';
import { writeJsonAtomic } from '../frame/validateFile';
import { applyContract, parsePolicy, validationFailure } from '../frame/validateReport';
import type { ValidationReport } from '../frame/validateReport';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { validateSchema } from './specs/validate';
import { emptyResult } from '../spec/types';
import type { ChartOutput, PhaseContext, PhaseResult, PhaseSpec } from '../spec/types';

export { validateDataFile, checkDataFile } from '../frame/validateFile';
export type { ValidateFileOptions } from '../frame/validateFile';
export type { ValidationReport } from '../frame/validateReport';

/** The config of a `validate` cell, read off its key specs. */
export type ValidateConfig = ConfigOf<typeof validateSchema.keys> & CommonConfig;

export const REPORT_FILE = 'validation_report.json';

/** Where the validate cell `cell` writes its quarantined rows. */
export function quarantinePath(artifacts: string, cell: string): string {
  return join(artifacts, `quarantine_${cell.replace(/[^A-Za-z0-9_.-]/g, '_')}.parquet`);
}

function parseNow(now: string | undefined): Date | undefined {
  if (now === undefined) return undefined;
  const d = new Date(now);
  if (Number.isNaN(d.getTime()))
    throw new UserError(`'${now}' is not a date-time (use ISO-8601, e.g. 2024-06-01T00:00:00Z)`, { key: 'now' });
  return d;
}

/**
 * Null rate per column against its limit (only when some column has nulls: a chart of zeros says
 * nothing the "nulls: pass" row does not), and (when a row check flagged rows) offending rows per
 * column and check.
 */
export function validateCharts(report: ValidationReport): ChartOutput[] {
  const nullRates = Object.entries(report.columns).map(([column, m]) => ({
    column,
    nulls: m.nulls,
    null_rate: m.null_rate,
    max_null_rate: m.max_null_rate,
  }));
  const charts = nullRates.some((r) => r.nulls > 0) ? [chartToOutput(nullRateChart(nullRates))] : [];
  if (report.anomalies.length) charts.push(chartToOutput(anomalyChart(report.anomalies)));
  return charts;
}

export async function runValidate(
  config: ValidateConfig,
  inputs: PhaseResult[],
  ctx: PhaseContext,
): Promise<PhaseResult> {
  const dataset = inputs[0]?.dataset;
  if (!dataset)
    throw new UserError('validate needs an upstream cell that produces a frame (e.g. a `load` cell)', { key: 'from' });
  if (config.contract === undefined)
    throw new UserError(`\`contract:\` is required (${Object.keys(BUILTIN_CONTRACTS).join(', ')} or a .yaml file)`, {
      key: 'contract',
    });
  const contract = resolveContract(config.contract, ctx.baseDir);
  const policy = parsePolicy(config.policy);
  if (config.max_age !== undefined) parseDuration(config.max_age, 'max_age');
  const outcome = applyContract(dataset.frame, {
    contract,
    policy,
    maxNullRate: config.max_null_rate,
    maxAge: config.max_age,
    now: parseNow(config.now),
    sources: dataset.sources,
    cell: ctx.cell.name,
  });
  const { report, clean, quarantined } = outcome;
  mkdirSync(ctx.roots.artifacts, { recursive: true });
  const qPath = quarantinePath(ctx.roots.artifacts, ctx.cell.name);
  const artifacts = [];
  if (quarantined.height) {
    quarantined.writeParquet(qPath);
    report.quarantine_file = displayPath(qPath);
    artifacts.push({ path: qPath, label: `${quarantined.height} quarantined rows` });
  } else if (existsSync(qPath)) unlinkSync(qPath);
  const reportPath = resolve(ctx.roots.artifacts, REPORT_FILE);
  writeJsonAtomic(reportPath, report);
  artifacts.push({ path: reportPath, label: 'validation report' });
  if (ctx.cell.name !== 'validate') {
    const own = resolve(
      ctx.roots.artifacts,
      `validation_report_${ctx.cell.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`,
    );
    writeJsonAtomic(own, report);
    artifacts.push({ path: own, label: `validation report of ${ctx.cell.name}` });
  }
  const failure = validationFailure(report, { reportPath: displayPath(reportPath) });
  if (failure) throw failure;
  if (!clean.height) {
    throw new ValidationError(
      report.rows ? `no rows left: all ${report.rows} rows were quarantined` : 'the input has no rows',
      { key: report.rows ? 'policy' : undefined },
      report.rows
        ? [
            ...report.checks.filter((c) => c.status === 'quarantined').map((c) => `${c.id}: ${c.message}`),
            `quarantined rows: ${displayPath(qPath)}`,
          ]
        : [],
    );
  }
  const warnings = report.checks
    .filter((c) => c.status === 'warn' || c.status === 'quarantined')
    .map((c) => `${c.id}: ${c.message}${c.status === 'quarantined' ? ` — quarantined to ${displayPath(qPath)}` : ''}`);
  const passed = report.checks.filter((c) => c.status === 'pass').length;
  const ran = report.checks.filter((c) => c.status !== 'skipped').length;
  return emptyResult({
    dataset: withDataset(dataset, { frame: clean }),
    summary: {
      contract: contract.name,
      rows: report.rows,
      checks_passed: `${passed}/${ran}`,
      quarantined: report.quarantined,
      warnings: warnings.length,
    },
    metrics: { rows: report.rows, quarantined: report.quarantined, checks_failed_or_warned: ran - passed },
    artifacts,
    charts: validateCharts(report),
    tables: [
      {
        title: 'checks',
        frame: pl.DataFrame({
          check: report.checks.map((c) => c.id),
          status: report.checks.map((c) => c.status),
          // The policy is what happens when a check fails: on a check that passed it only reads as a failure.
          policy: report.checks.map((c) => (c.status === 'pass' || c.status === 'skipped' ? null : c.policy)),
          count: report.checks.map((c) => c.count),
          message: report.checks.map((c) => c.message),
        }),
      },
    ],
    warnings,
  });
}

export const validatePhase: PhaseSpec<ValidateConfig> = {
  ...validateSchema,
  inputFiles(config, ctx) {
    return typeof config.contract === 'string' && /\.ya?ml$/i.test(config.contract)
      ? [resolve(ctx.baseDir, config.contract)]
      : [];
  },
  run: runValidate,
};

registerPhase(validatePhase);
