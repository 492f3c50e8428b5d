import type { PhaseSchema, PhaseSpec } from './types';
import type { ConfigOf, KeySpecs } from '../base/schema';
import { t } from '../base/schema';

/**
 * Every phase kind, by name, in two tiers: its light schema (kind, doc, keys; registered by
 * core/phases/specs/all.ts, free of the frame library) is what the parser, completion, hovers and
 * diagnostics read; its runnable spec (registered by each module of core/phases/) is what the
 * executor runs. The schema is the single source of a kind's keys.
 */
const schemas = new Map<string, { declared: KeySpecs; schema: PhaseSchema }>();
const phases: PhaseSpec[] = [];

/** Keys every phase cell accepts. */
export const COMMON_KEYS = {
  from: {
    type: t.oneOf(t.string(), t.list(t.string())),
    doc: 'Upstream cell name(s). Default: the nearest phase cell above.',
  },
  description: { type: t.string(), doc: 'Free text shown in run manifests.' },
} as const;

/** The `settings` cell: notebook-wide options, not a phase (no inputs, no outputs). */
export const SETTINGS_KIND = 'settings';
export const SETTINGS_KEYS: KeySpecs = {
  seed: { type: t.integer({ min: 0 }), doc: 'Global seed (overridden by PHASEBOOK_SEED). Default 42.' },
  mode: {
    type: t.string(['autorun', 'lazy']),
    doc: 'autorun re-runs stale descendants after an edit; lazy only marks them.',
  },
  roots: {
    type: t.object({
      stacking: { type: t.string(), doc: 'Cross-validation runs. Default data/stacking' },
      runs: { type: t.string(), doc: 'Training runs. Default runs' },
      results: { type: t.string(), doc: 'Backtest / workflow results. Default results' },
      artifacts: { type: t.string(), doc: 'Checkpoints, feature lists, scalers, datasets. Default artifacts' },
      logs: { type: t.string(), doc: 'Logs. Default logs' },
      cache: { type: t.string(), doc: 'Cell output cache. Default .phasebook/cache' },
    }),
    doc: 'Artifact roots, relative to the notebook folder.',
  },
  cache: {
    type: t.object({
      max_age: {
        type: t.oneOf(t.string(), t.number({ min: 0 })),
        doc:
          'Entries unused for longer are not served (recomputed): 30d, 12h, 90m, 45s, or a number of days. ' +
          'Default 30d.',
      },
    }),
    doc: 'The cell cache (.phasebook/cache).',
  },
  audit: {
    type: t.string(['error', 'warn', 'off']),
    doc:
      'The causality audit before cv, train, walk_forward and backtest cells: error stops a run whose upstream ' +
      'cells look ahead (exit 2), warn records it and goes on, off skips it. Default error.',
    default: 'error',
  },
  executor: {
    type: t.object({
      kind: {
        type: t.string(['serial', 'local-pool', 'bullmq']),
        doc: 'Where computed cells run: this process, a local worker pool, or a BullMQ worker fleet.',
      },
      redis: { type: t.string(), doc: 'bullmq: the Redis URL, e.g. redis://127.0.0.1:6379' },
      store: {
        type: t.string(),
        doc: 'bullmq: the artifact store, a shared directory or s3://bucket/prefix?endpoint=...',
      },
    }),
    doc: "Executor of the computed cells (the command line's --executor/--redis/--store win).",
  },
};

/**
 * Fan-out keys (plural -> singular): a phase with a `scenario` key also accepts `scenarios: [..]`,
 * one with a `model` key also `models: [..]`; the engine expands such a cell into one branch per
 * value (core/orchestrate/expand.ts). A phase that declares the plural key itself keeps it.
 */
export const FANOUT_KEYS: Readonly<Record<string, string>> = { scenarios: 'scenario', models: 'model' };

function withFanOutKeys(keys: KeySpecs): KeySpecs {
  const out: KeySpecs = { ...keys };
  for (const [plural, singular] of Object.entries(FANOUT_KEYS)) {
    const one = keys[singular];
    if (!one || keys[plural]) continue;
    out[plural] = {
      type: t.list(one.type),
      doc:
        `Fan-out: one branch per ${singular}, each run as its own cell \`<cell>[<${singular}>]\` (instead of ` +
        `\`${singular}:\`).`,
      fanOutOf: singular,
    };
  }
  return out;
}

/** Registers a kind's light schema (again with the same keys: a no-op). */
export function registerSchema(s: PhaseSchema): PhaseSchema {
  const had = schemas.get(s.kind);
  if (had && had.declared !== s.keys) throw new Error(`phase kind '${s.kind}' registered twice`);
  if (had) return had.schema;
  const schema = { kind: s.kind, doc: s.doc, needsInput: s.needsInput, keys: withFanOutKeys(s.keys) };
  schemas.set(s.kind, { declared: s.keys, schema });
  return schema;
}

/** Configs reach a phase after the parser checked them against its key specs (C is read off them: ConfigOf). */
export function registerPhase<C extends Record<string, unknown>>(spec: PhaseSpec<C>): void {
  if (phases.some((p) => p.kind === spec.kind)) throw new Error(`phase kind '${spec.kind}' registered twice`);
  phases.push({ ...spec, keys: registerSchema(spec).keys });
}

/** The runnable phase of a kind (the executor's view; needs core/phases/index.ts loaded). */
export function getPhase(kind: string): PhaseSpec | undefined {
  return phases.find((p) => p.kind === kind);
}

/** The light schema of a kind (the parser's and the editor's view). */
export function getSchema(kind: string): PhaseSchema | undefined {
  return schemas.get(kind)?.schema;
}

export function schemaKinds(): string[] {
  return [...schemas.keys()];
}

export function allSchemas(): PhaseSchema[] {
  return [...schemas.values()].map((s) => s.schema);
}

/** The common keys' part of every phase config. */
export type CommonConfig = ConfigOf<typeof COMMON_KEYS>;
