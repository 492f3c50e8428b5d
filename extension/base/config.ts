/** The extension's settings (package.json contributes.configuration), read in one place. */
import * as vscode from 'vscode';
import { DEFAULT_ROOTS, type ArtifactRoots } from '../../core/runs/roots';
import type { ExecutorChoice } from '../../core/engine/executorChoice';

export const SECTION = 'phasebook';

export type ExecutionMode = 'autorun' | 'lazy';

/** The default of `phasebook.autorun.delayMs`. */
export const AUTORUN_DELAY_MS = 1500;

export interface PhasebookSettings {
  /** Root defaults, relative to a workspace folder or notebook folder (or absolute). */
  artifactRoots: ArtifactRoots;
  mode: ExecutionMode;
  kernelMemoryLimitMb: number;
  /** Run each notebook's kernel as a detached process that survives a window reload (§8). */
  kernelDetached: boolean;
  /** A detached kernel with no window and nothing running exits after this many minutes. */
  kernelDetachedIdleMinutes: number;
  defaultMetaLearner: string;
  defaultHorizon: number | undefined;
  /** phasebook.executor.*: the kernel's executor unless the notebook's settings block says otherwise. */
  executor: ExecutorChoice;
  /** Autorun re-runs the stale cells this long after an edit burst's last edit reached the kernel. */
  autorunDelayMs: number;
}

/**
 * Detached kernels are the default, except on Windows, where they run on named pipes that no test here covers: there
 * only a value the user set turns them on.
 */
function kernelDetached(c: vscode.WorkspaceConfiguration): boolean {
  const set = c.inspect<boolean>('kernel.detached');
  const explicit = set?.workspaceFolderValue ?? set?.workspaceValue ?? set?.globalValue;
  return explicit !== undefined ? explicit === true : process.platform !== 'win32';
}

export function readSettings(scope?: vscode.ConfigurationScope): PhasebookSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const roots = c.get<Partial<ArtifactRoots>>('artifactRoots') ?? {};
  const cleanRoots = Object.fromEntries(
    Object.entries(roots).filter(([k, v]) => k in DEFAULT_ROOTS && typeof v === 'string' && v.trim()),
  ) as Partial<ArtifactRoots>;
  const mode = c.get<string>('mode');
  const memory = c.get<number>('kernel.memoryLimitMb') ?? 4096;
  const horizon = c.get<number | null>('stacking.defaultHorizon');
  const idle = c.get<number>('kernel.detachedIdleMinutes') ?? 5;
  const delay = c.get<number>('autorun.delayMs') ?? AUTORUN_DELAY_MS;
  return {
    artifactRoots: { ...DEFAULT_ROOTS, ...cleanRoots },
    mode: mode === 'autorun' ? 'autorun' : 'lazy',
    kernelMemoryLimitMb: Number.isFinite(memory) && memory >= 256 ? Math.round(memory) : 4096,
    kernelDetached: kernelDetached(c),
    kernelDetachedIdleMinutes: Number.isFinite(idle) && idle > 0 ? idle : 5,
    defaultMetaLearner: c.get<string>('stacking.defaultMetaLearner') || 'logistic',
    executor: executorSettings(c),
    autorunDelayMs: Number.isFinite(delay) && delay >= 0 ? Math.round(delay) : AUTORUN_DELAY_MS,
    defaultHorizon: typeof horizon === 'number' && Number.isInteger(horizon) && horizon > 0 ? horizon : undefined,
  };
}

/** Only the roots the user set explicitly (the notebook's settings cell sits above the defaults). */
export function explicitRootDefaults(scope?: vscode.ConfigurationScope): Partial<ArtifactRoots> {
  const inspected = vscode.workspace.getConfiguration(SECTION, scope).inspect<Partial<ArtifactRoots>>('artifactRoots');
  const v = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue ?? {};
  return Object.fromEntries(
    Object.entries(v).filter(([k, x]) => k in DEFAULT_ROOTS && typeof x === 'string' && x.trim()),
  ) as Partial<ArtifactRoots>;
}

/** `phasebook.executor.*` as the kernel's executor choice ('auto' and empty strings: not set). */
function executorSettings(c: vscode.WorkspaceConfiguration): ExecutorChoice {
  const str = (k: string): string | undefined => {
    const v = c.get<string>(k)?.trim();
    return v ? v : undefined;
  };
  const kind = str('executor.kind');
  return {
    ...(kind && kind !== 'auto' ? { kind } : {}),
    ...(str('executor.redis') ? { redis: str('executor.redis') } : {}),
    ...(str('executor.store') ? { store: str('executor.store') } : {}),
  };
}
