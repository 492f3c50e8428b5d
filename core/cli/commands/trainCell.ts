/**
 * `phasebook train` on a notebook's `train` cell: `--top-n N` keeps the N best checkpoints
 * (the cell's `checkpoints: { top_n: N, metric: val_loss }`), `--from-checkpoint REF` uses a kept
 * checkpoint instead of fitting (the cell's `from_checkpoint: REF`). Without `--pipeline`, a
 * checkpoint reference names its notebook and cell: the training run's run.json records them.
 * The overrides are written into the cell's text for this run only; the file is not changed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { PipelineSession } from '../../engine/session';
import { codeAllowed, gateCode } from '../codeGate';
import { createLogger, jsonLinesSink, levelFromEnv, textSink } from '../../log';
import type { Cell } from '../../notebook/types';
import { resolveRoots } from '../../runs/roots';
import type { CliIO } from '../io';
import { recordPipelineRun } from '../pipelineRun';
import { formatOutcome } from '../render';

export interface TrainCellArgs {
  pipeline?: string;
  cell?: string;
  topN?: number;
  metric?: string;
  fromCheckpoint?: string;
  seed?: number;
  dir?: string;
  argv: string[];
  /** --allow-code: ts cells upstream of the train cell may run. */
  allowCode?: boolean;
}

/** The cell's text with `key: value` lines replaced or added (top-level keys only). */
export function overrideKeys(text: string, cell: Cell, values: Record<string, string>): string {
  const lines = text.split('\n');
  const bodyStart = cell.bodyLine;
  const bodyEnd = bodyStart + cell.source.split('\n').length;
  const drop = new Set<number>();
  for (const key of Object.keys(values)) {
    const at = cell.keyPositions[key];
    if (!at) continue;
    drop.add(at.line);
    // A block value continues on indented lines.
    for (let l = at.line + 1; l < bodyEnd && /^(\s|$)/.test(lines[l] ?? '') && (lines[l] ?? '').trim() !== ''; l++)
      drop.add(l);
  }
  const added = Object.entries(values).map(([k, v]) => `${k}: ${v}`);
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (i === bodyStart) out.push(...added);
    if (!drop.has(i)) out.push(line);
  });
  if (bodyStart >= lines.length) out.push(...added);
  return out.join('\n');
}

/** The notebook and cell a training run came from (its run.json source). */
function sourceOfRun(runsRoot: string, ref: string): { notebook?: string; cell?: string } {
  const id = ref.replace(/@\d+$/, '');
  const manifest = join(runsRoot, id, 'run.json');
  if (!existsSync(manifest)) return {};
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { source?: { notebook?: string; cell?: string } };
  return { notebook: m.source?.notebook, cell: m.source?.cell };
}

export async function runTrainCell(a: TrainCellArgs, io: CliIO, usage: string): Promise<ExitCode> {
  const base = resolve(io.cwd, a.dir ?? '.');
  const fromRun = a.fromCheckpoint ? sourceOfRun(resolveRoots(base).runs, a.fromCheckpoint) : {};
  const pipeline = a.pipeline ? resolve(io.cwd, a.pipeline) : fromRun.notebook;
  if (!pipeline) {
    throw new UserError(
      a.fromCheckpoint
        ? `cannot tell which notebook trained '${a.fromCheckpoint}': give --pipeline FILE (and --cell NAME)`
        : '--top-n needs --pipeline FILE (the notebook whose train cell to run)',
      {},
      [`usage: ${usage}`],
    );
  }
  let text: string;
  try {
    text = await readFile(pipeline, 'utf8');
  } catch {
    throw new UserError('notebook not found', { file: a.pipeline ?? pipeline });
  }
  const probe = new PipelineSession(text, { notebookPath: pipeline, log: createLogger([]) });
  const trains = probe.parsed.cells.filter((c) => c.type === 'phase' && c.kind === 'train');
  const name = a.cell ?? fromRun.cell ?? (trains.length === 1 ? trains[0].name : undefined);
  if (!name)
    throw new UserError(
      trains.length
        ? `the notebook has ${trains.length} train cells: say which with --cell`
        : 'the notebook has no train cell',
      { file: pipeline },
      trains.length ? [`train cells: ${trains.map((c) => c.name).join(', ')}`] : [],
    );
  const cell = trains.find((c) => c.name === name);
  if (!cell)
    throw new UserError(`no train cell named '${name}'`, { file: pipeline }, [
      `train cells: ${trains.map((c) => c.name).join(', ') || 'none'}`,
    ]);
  const values: Record<string, string> = {};
  if (a.topN !== undefined) values.checkpoints = JSON.stringify({ top_n: a.topN, metric: a.metric ?? 'val_loss' });
  if (a.fromCheckpoint) values.from_checkpoint = JSON.stringify(a.fromCheckpoint);
  const session = new PipelineSession(overrideKeys(text, cell, values), {
    notebookPath: pipeline,
    log: createLogger([]),
    seed: a.seed,
  });
  const level = levelFromEnv(io.env);
  session.setLogger(
    createLogger(
      [jsonLinesSink(resolve(session.roots.logs, 'pipeline.log')), ...(level === 'debug' ? [textSink(io.err)] : [])],
      level,
      { notebook: pipeline, command: 'train' },
    ),
  );
  const errors = session.parsed.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) io.err(`${pipeline}:${d.range.start.line + 1}:${d.range.start.column + 1}: ${d.message}\n`);
  const note = gateCode(
    session.parsed,
    a.pipeline ?? pipeline,
    codeAllowed(a.allowCode, io.env),
    `phasebook ${['train', ...a.argv].join(' ')}`,
    [name],
  );
  if (note) io.err(note);
  const started = new Date();
  const width = Math.max(8, ...session.parsed.cells.map((c) => c.name.length));
  const report = await session.run({
    cells: [name],
    force: true,
    onEvent: (e) => {
      if (e.type === 'finished') io.out(formatOutcome(e, width) + '\n');
    },
  });
  await recordPipelineRun(session, report, { started, argv: ['train', ...a.argv] });
  return report.exitCode as ExitCode;
}
