/**
 * Rename, tag and annotate a run from the explorer (docs/design.md §7.2): an input box prefilled with
 * what run.json holds, then core/runs/annotate.ts writes it atomically; the explorer re-reads the
 * folder at once (not waiting for the watcher). Tests pass the text as `{ value }` instead of typing.
 */
import * as vscode from 'vscode';
import { annotateRun, annotationProblem, parseTags, type AnnotationPatch } from '../../core/runs/annotate';
import type { RunSummary } from '../../core/runs/scan';
import { CommandId } from '../base/commandIds';
import { registerCommand } from '../base/commands';
import type { PhasebookLog } from '../base/logChannel';
import type { RunExplorer } from '../explorer/runExplorer';
import type { RunNode } from '../explorer/runTree';

export interface AnnotateDeps {
  explorer: RunExplorer;
  log: PhasebookLog;
}

type Field = 'name' | 'tags' | 'note';

const PROMPT: Record<Field, (s: RunSummary) => vscode.InputBoxOptions> = {
  name: (s) => ({
    title: `Rename run ${s.id}`,
    prompt: 'A name shown instead of the generated label (the id and folder stay). Empty clears it.',
    value: s.name ?? '',
  }),
  tags: (s) => ({
    title: `Tag run ${s.id}`,
    prompt: 'Tags separated by commas or spaces (e.g. baseline, final). Empty clears them.',
    value: s.tags?.join(', ') ?? '',
  }),
  note: (s) => ({
    title: `Annotate run ${s.id}`,
    prompt: 'A note kept in run.json. Empty clears it.',
    value: s.note ?? '',
  }),
};

function patchOf(field: Field, text: string): AnnotationPatch {
  if (field === 'tags') return { tags: parseTags(text) };
  return field === 'name' ? { name: text } : { note: text };
}

function dirOf(deps: AnnotateDeps, arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const node = arg as RunNode | undefined;
  if (node?.type === 'run') return node.dir;
  const selected = deps.explorer.view.selection[0];
  return selected?.type === 'run' ? selected.dir : undefined;
}

async function annotate(deps: AnnotateDeps, field: Field, arg: unknown, given: unknown): Promise<boolean> {
  await deps.explorer.whenReady();
  const dir = dirOf(deps, arg);
  const s = dir ? deps.explorer.index.get(dir) : undefined;
  if (!dir || !s) {
    void vscode.window.showInformationMessage('Phasebook: select a run in the Runs view first.');
    return false;
  }
  const preset = (given as { value?: unknown } | undefined)?.value;
  const text =
    typeof preset === 'string'
      ? preset
      : await vscode.window.showInputBox({
          ...PROMPT[field](s),
          validateInput: (t) => annotationProblem(patchOf(field, t)),
        });
  if (text === undefined) return false;
  await annotateRun(dir, patchOf(field, text));
  deps.log.info(`run ${s.id}: ${field} set to ${JSON.stringify(text)}`);
  await deps.explorer.refreshRun(dir);
  return true;
}

export function registerAnnotateCommands(deps: AnnotateDeps): vscode.Disposable {
  const reg = (id: CommandId, field: Field) =>
    registerCommand(deps.log, { id, run: (arg: unknown, given: unknown) => annotate(deps, field, arg, given) });
  return vscode.Disposable.from(
    reg(CommandId.RenameRun, 'name'),
    reg(CommandId.TagRun, 'tags'),
    reg(CommandId.AnnotateRun, 'note'),
  );
}
