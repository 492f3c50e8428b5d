/**
 * Which executor a run hands its computed cells to (docs/design.md §4.9), chosen the same way by the CLI and the
 * kernel: sources in precedence order, each field (kind, redis, store) taken from the first source that sets it.
 * The CLI's sources are its flags, then the notebook's `executor:` settings block; the kernel's are the block,
 * then the VS Code settings `phasebook.executor.*`. Each source names its fields as its user wrote them
 * (`--executor`, `executor.kind`, `phasebook.executor.kind`), and the caller's error factory turns a problem into
 * its own error (a usage error with exit 2 for a flag, a UserError at the settings cell's line for the block).
 */
import type { Executor } from '../orchestrate/executor';
import { BullmqExecutor } from '../orchestrate/bullmq/executor';
import { LocalPoolExecutor } from '../orchestrate/pool';
import { SerialExecutor } from '../orchestrate/serial';
import { openStore } from '../store/open';
import type { ArtifactStore } from '../store/types';
import { UserError } from '../errors';
import { openJobSession } from './session';

export const EXECUTOR_KINDS = ['serial', 'local-pool', 'bullmq'] as const;
export type ExecutorField = 'kind' | 'redis' | 'store';

export interface ExecutorChoice {
  kind?: string;
  redis?: string;
  store?: string;
}

/** One place an executor can be set, with how its fields are called there (for errors). */
export interface ExecutorSource {
  /** What this source says; undefined or empty fields are not set. */
  choice: ExecutorChoice | undefined;
  /** The field as its user writes it: '--executor', 'executor.kind', 'phasebook.executor.kind'. */
  label(field: ExecutorField): string;
}

/** Where a problem is: the source (an index into the sources given) and the field. */
export interface ExecutorProblemAt {
  source: number;
  field: ExecutorField;
}

/** The caller's error for a problem (the message already names the field as its source calls it). */
export type ExecutorFail = (message: string, at: ExecutorProblemAt, details?: string[]) => Error;

/** The choice the sources make; undefined kind: none (the engine's own default: in process, or the local pool). */
export type ResolvedExecutor =
  | { kind: undefined }
  | { kind: 'serial' }
  | { kind: 'local-pool' }
  | { kind: 'bullmq'; redis: string; store: string; from: { redis: number; store: number } };

const set = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);

/** The first source that sets `field`, and its value. */
function pick(sources: readonly ExecutorSource[], field: ExecutorField): { value?: string; source: number } {
  const i = sources.findIndex((s) => set(s.choice?.[field]) !== undefined);
  return i < 0 ? { source: -1 } : { value: sources[i].choice?.[field], source: i };
}

/** Resolves the sources into one choice, or throws the caller's error (pure: opens nothing). */
export function resolveExecutor(sources: readonly ExecutorSource[], fail: ExecutorFail): ResolvedExecutor {
  const kind = pick(sources, 'kind');
  const redis = pick(sources, 'redis');
  const store = pick(sources, 'store');
  const label = (f: ExecutorField, i: number) => sources[i].label(f);
  if (kind.value === undefined) {
    // Redis or a store from the first source with no kind anywhere is a half-written choice (from a later source it
    // is only a default for when bullmq is chosen).
    const f = (['redis', 'store'] as const).find((x) => set(sources[0]?.choice?.[x]) !== undefined);
    if (f) throw fail(`${label(f, 0)} goes with ${label('kind', 0)} bullmq`, { source: 0, field: f });
    return { kind: undefined };
  }
  if (!(EXECUTOR_KINDS as readonly string[]).includes(kind.value))
    throw fail(`${label('kind', kind.source)} takes ${EXECUTOR_KINDS.join(', ')}; got '${kind.value}'`, {
      source: kind.source,
      field: 'kind',
    });
  if (kind.value === 'serial' || kind.value === 'local-pool') return { kind: kind.value };
  if (redis.value === undefined || store.value === undefined) {
    const f: ExecutorField = redis.value === undefined ? 'redis' : 'store';
    const where = sources.map((s) => s.label(f)).join(' or ');
    throw fail(`the bullmq executor needs ${f === 'redis' ? 'a Redis URL' : 'an artifact store'}: set ${where}`, {
      source: kind.source,
      field: f,
    });
  }
  return {
    kind: 'bullmq',
    redis: redis.value,
    store: store.value,
    from: { redis: redis.source, store: store.source },
  };
}

export interface OpenedExecutor {
  executor?: Executor;
  /** The fleet's artifact store: closed by whoever opened it, once the run is over. */
  store?: ArtifactStore;
}

/** Resolves and opens in one step (the CLI's and the kernel's way in). */
export function executorFrom(
  sources: readonly ExecutorSource[],
  opts: { cwd: string; jobs?: number },
  fail: ExecutorFail,
): OpenedExecutor & { resolved: ResolvedExecutor } {
  const resolved = resolveExecutor(sources, fail);
  return { ...openExecutor(resolved, sources, opts, fail), resolved };
}

/** The executor (and the store a fleet run must close) for a resolved choice; bad URLs go through `fail`. */
export function openExecutor(
  r: ResolvedExecutor,
  sources: readonly ExecutorSource[],
  opts: { cwd: string; jobs?: number },
  fail: ExecutorFail,
): OpenedExecutor {
  if (r.kind === undefined) return {};
  if (r.kind === 'serial') return { executor: new SerialExecutor(openJobSession) };
  if (r.kind === 'local-pool') return { executor: new LocalPoolExecutor({ size: opts.jobs }) };
  const from = r.from;
  // The URL parsers name the flag (--redis: ..., --store: ...): their errors are told again as the source says it.
  const as = (field: 'redis' | 'store', e: unknown): Error => {
    if (!(e instanceof UserError)) return e as Error;
    const at = { source: from[field], field };
    return fail(`${sources[at.source].label(field)}: ${e.message.replace(/^--(redis|store): /, '')}`, at, e.details);
  };
  let store: ArtifactStore;
  try {
    store = openStore(r.store, opts.cwd);
  } catch (e) {
    throw as('store', e);
  }
  try {
    return { executor: new BullmqExecutor({ redis: r.redis, store }), store };
  } catch (e) {
    void store.close();
    throw as('redis', e);
  }
}

/** Two resolutions open the same executor when their keys are equal. */
export function executorChoiceKey(r: ResolvedExecutor): string {
  return r.kind === 'bullmq' ? `bullmq ${r.redis} ${r.store}` : String(r.kind);
}
