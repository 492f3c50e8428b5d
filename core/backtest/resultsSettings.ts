/**
 * Results management settings per phase (docs/design.md §5.7): where results go (`results_storage`), which
 * events are traced (`event_tracing`) and what is kept of them (`retention_policy`,
 * `sliding_window_size`). Precedence, lowest first:
 *   1. the workflow's defaults for the phase (WORKFLOW_DEFAULTS by phase role)
 *   2. the cell's own keys (`results_storage: memory` applies to every phase of the cell)
 *   3. `phase_overrides.<phase>` for that phase only
 */
import { UserError } from '../errors';
import { closest, didYouMean, unknownName } from '../base/schema';
import { EVENT_TYPES, type EventType } from './events';
import { RETENTION_POLICIES, type RetentionPolicy } from './tracer';

export const RESULTS_STORAGES = ['memory', 'disk'] as const;
export type ResultsStorage = (typeof RESULTS_STORAGES)[number];

export interface ResultsSettings {
  results_storage: ResultsStorage;
  event_tracing: EventType[];
  retention_policy: RetentionPolicy;
  sliding_window_size: number;
}

/** The roles phases play in the built-in sequences; each has its workflow defaults. */
export type StageRole = 'single_pass' | 'parameter_search' | 'validation' | 'walk_forward' | 'monte_carlo';

const POSITION_EVENTS: EventType[] = ['POSITION_OPEN', 'POSITION_CLOSE', 'FILL'];

export const WORKFLOW_DEFAULTS: Record<StageRole, ResultsSettings> = {
  // One backtest: everything on disk, with the equity curve.
  single_pass: {
    results_storage: 'disk',
    event_tracing: [...POSITION_EVENTS, 'PORTFOLIO_UPDATE'],
    retention_policy: 'trade_complete',
    sliding_window_size: 1000,
  },
  // Many portfolios on the training part: large, so on disk, trades only.
  parameter_search: {
    results_storage: 'disk',
    event_tracing: [...POSITION_EVENTS],
    retention_policy: 'trade_complete',
    sliding_window_size: 1000,
  },
  // The chosen portfolio on the test part: kept in memory for the next phase, with equity.
  validation: {
    results_storage: 'memory',
    event_tracing: [...POSITION_EVENTS, 'PORTFOLIO_UPDATE'],
    retention_policy: 'sliding_window',
    sliding_window_size: 1000,
  },
  // One container set per window, written when the window ends.
  walk_forward: {
    results_storage: 'disk',
    event_tracing: [...POSITION_EVENTS],
    retention_policy: 'trade_complete',
    sliding_window_size: 1000,
  },
  // Simulations keep metrics only.
  monte_carlo: { results_storage: 'disk', event_tracing: [], retention_policy: 'minimal', sliding_window_size: 1000 },
};

export type ResultsSettingsPatch = Partial<ResultsSettings>;

/** Cell keys that make up a results-settings patch. */
export interface ResultsKeys {
  results_storage?: ResultsStorage;
  event_tracing?: string[];
  retention_policy?: RetentionPolicy;
  sliding_window_size?: number;
  phase_overrides?: Record<string, ResultsSettingsPatch & { event_tracing?: string[] }>;
}

/** Applies the three levels in order; a later level replaces a key, never merges lists. */
export function resolveResultsSettings(
  defaults: ResultsSettings,
  global: ResultsSettingsPatch = {},
  override: ResultsSettingsPatch = {},
): ResultsSettings {
  const out: ResultsSettings = { ...defaults, event_tracing: [...defaults.event_tracing] };
  for (const level of [global, override]) {
    for (const key of ['results_storage', 'event_tracing', 'retention_policy', 'sliding_window_size'] as const) {
      const v = level[key];
      if (v !== undefined) (out as unknown as Record<string, unknown>)[key] = Array.isArray(v) ? [...v] : v;
    }
  }
  return out;
}

/** Event type names checked, with "did you mean" for a typo. */
export function checkEventTypes(names: readonly string[], location: { cell?: string; key: string }): EventType[] {
  return names.map((name) => {
    if ((EVENT_TYPES as readonly string[]).includes(name)) return name as EventType;
    throw new UserError(unknownName('event type', name, EVENT_TYPES), location, [
      `event types: ${EVENT_TYPES.join(', ')}`,
    ]);
  });
}

function patchOf(
  k: ResultsSettingsPatch & { event_tracing?: string[] },
  location: { cell?: string; key: string },
): ResultsSettingsPatch {
  const p: ResultsSettingsPatch = {};
  if (k.results_storage !== undefined) p.results_storage = k.results_storage;
  if (k.event_tracing !== undefined) p.event_tracing = checkEventTypes(k.event_tracing, location);
  if (k.retention_policy !== undefined) p.retention_policy = k.retention_policy;
  if (k.sliding_window_size !== undefined) p.sliding_window_size = k.sliding_window_size;
  return p;
}

/**
 * Settings of each named phase of a cell. `phases` maps phase name -> role; a `phase_overrides`
 * entry for a phase the cell does not have is an error naming the phases it does have.
 */
export function resultsSettingsFor(
  phases: Record<string, StageRole>,
  keys: ResultsKeys,
  cell?: string,
): Record<string, ResultsSettings> {
  const global = patchOf(keys as ResultsSettingsPatch & { event_tracing?: string[] }, { cell, key: 'event_tracing' });
  const names = Object.keys(phases);
  for (const name of Object.keys(keys.phase_overrides ?? {})) {
    if (names.includes(name)) continue;
    const near = closest(name, names);
    throw new UserError(
      `phase_overrides names a phase '${name}' that this cell does not have${didYouMean(near)}`,
      { cell, key: 'phase_overrides' },
      [`phases of this cell: ${names.join(', ')}`],
    );
  }
  const out: Record<string, ResultsSettings> = {};
  for (const [name, role] of Object.entries(phases)) {
    const o = keys.phase_overrides?.[name];
    out[name] = resolveResultsSettings(
      WORKFLOW_DEFAULTS[role],
      global,
      o ? patchOf(o, { cell, key: `phase_overrides.${name}.event_tracing` }) : {},
    );
  }
  return out;
}

export { RETENTION_POLICIES };
