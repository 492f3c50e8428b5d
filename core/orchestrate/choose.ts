/**
 * Which executor runs a session's computed cells: the one given, else the local pool when the
 * notebook fans out (or PHASEBOOK_JOBS / `jobs` asks for more than one process), else none — the
 * session's own serial loop. Volatile phases keep everything in process: their cache keys are
 * new on every computation, so another process could not find their results.
 */
import { availableParallelism } from 'node:os';
import type { Cell } from '../notebook/types';
import { getPhase } from '../spec/registry';
import type { Executor } from './executor';
import type { Expansion } from './expand';
import { findPoolWorker, LocalPoolExecutor } from './pool';

export interface ChooseInput {
  opts: { jobs?: number; executor?: Executor };
  expansion: Expansion;
  /** The planned cells. */
  cells: readonly Cell[];
  env?: NodeJS.ProcessEnv;
}

/** PHASEBOOK_JOBS as a whole number >= 1, else undefined. */
export function jobsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = Number(env.PHASEBOOK_JOBS);
  return env.PHASEBOOK_JOBS && Number.isInteger(n) && n >= 1 ? n : undefined;
}

export function chooseExecutor(c: ChooseInput): Executor | undefined {
  if (c.expansion.cells.some((cell) => cell.type === 'phase' && getPhase(cell.kind)?.volatile)) return undefined;
  if (c.opts.executor) return c.opts.executor;
  const env = c.env ?? process.env;
  if (env.PHASEBOOK_WORKER === '1') return undefined;
  const jobs = c.opts.jobs ?? jobsFromEnv(env) ?? (c.expansion.fannedOut ? availableParallelism() : 1);
  if (jobs <= 1 || c.cells.length < 2) return undefined;
  const entry = findPoolWorker(env);
  return entry ? new LocalPoolExecutor({ size: jobs, entry }) : undefined;
}
