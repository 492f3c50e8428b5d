import { UserError } from '../errors';
import type { ParsedNotebook } from '../notebook/types';
import type { ArtifactRoots } from '../runs/roots';

/** Options from the notebook's `# %% settings` cell (the first one wins). */
export interface NotebookSettings {
  seed?: number;
  mode?: 'autorun' | 'lazy';
  roots?: Partial<ArtifactRoots>;
  /** cache.max_age, in ms (entries unused for longer are not served). */
  cacheMaxAgeMs?: number;
  /** A setting that could not be read (raised when the notebook runs, not when it opens). */
  problem?: UserError;
  executor?: { kind?: string; redis?: string; store?: string };
  /** `audit:` error (default), warn or off: the causality gate before model cells. */
  audit?: 'error' | 'warn' | 'off';
}

export function readSettings(parsed: ParsedNotebook): NotebookSettings {
  const cell = parsed.cells.find((c) => c.type === 'phase' && c.kind === 'settings');
  if (!cell) return {};
  const c = cell.config;
  const out: NotebookSettings = {};
  if (typeof c.seed === 'number' && Number.isInteger(c.seed)) out.seed = c.seed;
  if (c.mode === 'autorun' || c.mode === 'lazy') out.mode = c.mode;
  if (c.audit === 'error' || c.audit === 'warn' || c.audit === 'off') out.audit = c.audit;
  if (c.roots && typeof c.roots === 'object') {
    out.roots = Object.fromEntries(
      Object.entries(c.roots as Record<string, unknown>).filter(([, v]) => typeof v === 'string'),
    ) as Partial<ArtifactRoots>;
  }
  const cache = c.cache as { max_age?: unknown } | undefined;
  if (cache && typeof cache === 'object' && cache.max_age !== undefined) {
    const ms = parseMaxAge(cache.max_age);
    const at = cell.keyPositions.cache;
    if (ms === undefined) {
      out.problem = new UserError(
        `cache.max_age takes a number and a unit (d, h, m or s), e.g. 30d; got ${JSON.stringify(cache.max_age)}`,
        {
          ...(parsed.file ? { file: parsed.file } : {}),
          cell: cell.name,
          key: 'cache.max_age',
          ...(at ? { line: at.line + 1 } : {}),
        },
      );
    } else out.cacheMaxAgeMs = ms;
  }
  if (c.executor && typeof c.executor === 'object') {
    const e = c.executor as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    out.executor = { kind: str(e.kind), redis: str(e.redis), store: str(e.store) };
  }
  return out;
}

/** `30d`, `12h`, `90m`, `45s` (or a bare number of days) -> milliseconds; undefined when not of that form. */
export function parseMaxAge(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 86_400_000 : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(d|h|m|s)$/.exec(v.trim());
  return m
    ? Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[m[2] as 'd' | 'h' | 'm' | 's']
    : undefined;
}

/** PHASEBOOK_SEED from the environment: unset or empty -> undefined; anything but a whole number >= 0 is an error. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.PHASEBOOK_SEED;
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.trim());
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) {
    throw new UserError(`PHASEBOOK_SEED=${JSON.stringify(v)} is not a seed: give a whole number >= 0 (or unset it)`);
  }
  return n;
}
