import type { ParsedNotebook } from '../notebook/types';
import type { ArtifactRoots } from '../runs/roots';

/** Options from the notebook's `# %% settings` cell (the first one wins). */
export interface NotebookSettings {
  seed?: number;
  mode?: 'autorun' | 'lazy';
  roots?: Partial<ArtifactRoots>;
  executor?: { kind?: string; redis?: string; store?: string };
}

export function readSettings(parsed: ParsedNotebook): NotebookSettings {
  const cell = parsed.cells.find((c) => c.type === 'phase' && c.kind === 'settings');
  if (!cell) return {};
  const c = cell.config;
  const out: NotebookSettings = {};
  if (typeof c.seed === 'number' && Number.isInteger(c.seed)) out.seed = c.seed;
  if (c.mode === 'autorun' || c.mode === 'lazy') out.mode = c.mode;
  if (c.roots && typeof c.roots === 'object') {
    out.roots = Object.fromEntries(Object.entries(c.roots as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Partial<ArtifactRoots>;
  }
  if (c.executor && typeof c.executor === 'object') {
    const e = c.executor as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    out.executor = { kind: str(e.kind), redis: str(e.redis), store: str(e.store) };
  }
  return out;
}

/** PHASEBOOK_SEED from the environment, when set to a whole number. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.PHASEBOOK_SEED;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
