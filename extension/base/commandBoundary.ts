/**
 * The command layer without vscode (docs/design.md §9.3): a command decodes VS Code's untyped
 * arguments, may need a trusted workspace, and never lets an error escape as VS Code's generic
 * "command failed" — it goes to the log, and the user gets one message with a "Show logs" action.
 */
import { CancelledError, formatUserError, isUserError } from '../../core/errors';

export interface CommandSpec<A extends unknown[] = unknown[]> {
  id: string;
  /** Turns the raw arguments (menu context, palette, executeCommand) into the handler's. Default: as given. */
  args?: (raw: readonly unknown[]) => A;
  /** Runs cells, kernels or terminals: refused, with a message, in an untrusted workspace. */
  needsTrust?: boolean;
  run(...args: A): unknown;
}

/** What the boundary needs of the host (vscode in the extension, a recorder in the tests). */
export interface CommandHost {
  isTrusted(): boolean;
  refuseUntrusted(id: string): void;
  /** `message` for the user (one line), `detail` for the log (with a stack for internal errors). */
  failed(id: string, failure: CommandFailure): void;
}

export interface CommandFailure {
  message: string;
  detail: string;
  /** A mistake the user can fix (their file, their input), not a bug. */
  user: boolean;
}

export const UNTRUSTED_MESSAGE =
  'Phasebook runs nothing in an untrusted workspace. Trust this folder to run pipelines.';

export function describeFailure(id: string, e: unknown): CommandFailure {
  if (isUserError(e)) {
    const text = formatUserError(e);
    return { message: text, detail: `${id}: ${text}`, user: true };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    message: `Phasebook: ${id} failed: ${err.message}`,
    detail: `${id} failed: ${err.stack ?? err.message}`,
    user: false,
  };
}

/** Runs one invocation; resolves with the handler's result, or undefined when refused or failed. */
export async function invokeCommand<A extends unknown[]>(
  spec: CommandSpec<A>,
  raw: readonly unknown[],
  host: CommandHost,
): Promise<unknown> {
  if (spec.needsTrust && !host.isTrusted()) {
    host.refuseUntrusted(spec.id);
    return undefined;
  }
  try {
    const args = spec.args ? spec.args(raw) : (raw as unknown as A);
    return await spec.run(...args);
  } catch (e) {
    if (e instanceof CancelledError) return undefined;
    host.failed(spec.id, describeFailure(spec.id, e));
    return undefined;
  }
}
