/**
 * The notebook's `executor:` settings block and the VS Code settings `phasebook.executor.*` as executor sources
 * (core/engine/executorChoice.ts): how their fields are called in errors, and the errors that point at them (the
 * settings cell's line for the block, the setting's id for VS Code).
 */
import { UserError } from '../errors';
import { readSettings } from '../graph/settings';
import type { ParsedNotebook } from '../notebook/types';
import { SETTINGS_KIND } from '../spec/registry';
import type { ExecutorChoice, ExecutorFail, ExecutorField, ExecutorSource } from './executorChoice';

/** The notebook's block: its fields' names, and a UserError at the field's line in the settings cell. */
export function settingsCellAt(
  parsed: ParsedNotebook,
  file: string | undefined,
): { label(f: ExecutorField): string; error(message: string, f: ExecutorField, details?: string[]): UserError } {
  const cell = parsed.cells.find((c) => c.type === 'phase' && c.kind === SETTINGS_KIND);
  return {
    label: (f) => `executor.${f}`,
    error: (message, f, details = []) => {
      const at = cell?.keyPaths[`executor.${f}`]?.key ?? cell?.keyPositions.executor;
      return new UserError(
        `${message} (in the notebook's settings cell)`,
        {
          ...(file ? { file } : {}),
          ...(cell ? { cell: cell.name } : {}),
          key: `executor.${f}`,
          ...(at ? { line: at.line + 1, column: at.column + 1 } : {}),
        },
        details,
      );
    },
  };
}

/** The VS Code setting that holds a field. */
export const vscodeSettingOf = (f: ExecutorField): string => `phasebook.executor.${f}`;

/**
 * The kernel's executor sources: the notebook's block wins over the VS Code settings, field by field. The
 * error factory names the settings cell's line for the block and the setting's id for VS Code.
 */
export function kernelExecutorSources(
  parsed: ParsedNotebook,
  file: string,
  vscode: ExecutorChoice | undefined,
): { sources: ExecutorSource[]; fail: ExecutorFail } {
  const block = settingsCellAt(parsed, file);
  return {
    sources: [
      { choice: readSettings(parsed).executor, label: block.label },
      { choice: vscode, label: vscodeSettingOf },
    ],
    fail: (message, at, details) =>
      at.source === 0
        ? block.error(message, at.field, details)
        : new UserError(`${message} (VS Code settings)`, { key: vscodeSettingOf(at.field) }, [
            ...(details ?? []),
            "change it in Settings (Phasebook > Executor), or set executor: in the notebook's settings cell",
          ]),
  };
}
