/**
 * One execution's planned cells, settled (docs/design.md §4.2, §4.6): the settling loop (core/engine/settle.ts)
 * restores or blocks what it can and, on the serial path, computes the rest here (core/engine/computeHere.ts);
 * with an executor, the cells left to compute go to `runOnExecutor` (core/orchestrate/dispatch.ts). Both write
 * into one ledger, so outcomes and events are the same wherever a cell ran. Also how a blocked cell's error reads.
 */
import { ExitCode } from '../errors';
import type { CellError, CellOutcome } from '../graph/events';
import { loadResult, type CacheReadOptions } from '../graph/resultStore';
import type { Logger } from '../log';
import type { Cell, ParsedNotebook } from '../notebook/types';
import type { CellRecorder } from '../orchestrate/cellRecorder';
import { runOnExecutor } from '../orchestrate/dispatch';
import type { Executor, NotebookRef } from '../orchestrate/executor';
import { CellLedger } from '../orchestrate/ledger';
import type { ArtifactRoots } from '../runs/roots';
import type { PhaseResult } from '../spec/types';
import { computeHere } from './computeHere';
import { settleCells, type SettleHost } from './settle';
import { memoOf, type CellMemory } from './staleness';

/** What the settling loop needs of the plan (its fields are documented on SettleHost), and what computing needs. */
export interface PlanContext extends Pick<
  SettleHost,
  'plan' | 'graph' | 'keys' | 'errors' | 'targets' | 'force' | 'signal' | 'emit' | 'refused'
> {
  cells: ReadonlyMap<string, Cell>;
  mem: CellMemory;
  recorder: CellRecorder;
  /** Where cells compute; undefined: here, one after the other. */
  executor?: Executor;
  notebook: NotebookRef;
  baseDir: string;
  roots: ArtifactRoots;
  seed: number;
  log: Logger;
  diskCache: boolean;
  /** Started by autorun mode: runs created by the cells computed here carry meta.autorun. */
  autorun?: boolean;
  cacheRead(name: string): CacheReadOptions;
  blocked(name: string, upstreamFailed: string | undefined, ownError: boolean): CellError;
  /** The serial in-process executor, for executor plans too narrow to fan out. */
  inProcess(): Executor;
}

/** Settles every planned cell; returns their outcomes in plan order. */
export async function executePlan(c: PlanContext): Promise<CellOutcome[]> {
  const { mem, keys, executor, recorder } = c;
  const ledger = new CellLedger((e) => c.emit(e));
  const adopt = (name: string, key: string, result: PhaseResult) => void mem.last.set(name, { key, result });
  const forget = (name: string) => void mem.last.delete(name);
  const parentsOf = (name: string) =>
    c.graph.parents(name).map((p) => ({ cell: p, key: keys.get(p), result: mem.last.get(p)?.result }));
  if (!executor && c.plan.length)
    c.log.debug(`dispatching ${c.plan.length} cell(s) to the in-process executor`, {
      executor: 'in-process',
      cells: c.plan,
    });
  const here = {
    ...c,
    notebookPath: c.notebook.notebookPath,
    result: (n: string) => mem.last.get(n)?.result,
    adopt,
    forget,
  };
  const compute = await settleCells(
    {
      ...c,
      lookup: async (name, key) =>
        memoOf(mem, name, key) ?? (c.diskCache ? loadResult(c.roots.cache, key, c.cacheRead(name)) : undefined),
      adopt,
      // Outside the serial path the checkpoint of a restored cell records no inputs (as the pool's workers do).
      cachedNote: (name, key, result) => recorder.cached(name, key, result, executor ? [] : parentsOf(name)),
      compute: executor
        ? undefined
        : async (name, key, t0) => {
            const o = await computeHere(here, name, key, t0);
            return o.status === 'ok' || o.status === 'failed' ? { ...o, executor: 'in-process' } : o;
          },
    },
    ledger,
  );
  if (executor) await runOnExecutor(executor, { ...c, cacheRoot: c.roots.cache, adopt, forget }, ledger, compute);
  return ledger.inOrder(c.plan);
}

/** Why a planned cell does not run: its own diagnostics, or an ancestor that failed or has errors. */
export function blockedError(
  file: string,
  nb: ParsedNotebook,
  cell: Cell,
  upstreamFailed: string | undefined,
  ownError: boolean,
): CellError {
  if (ownError) {
    const diag = nb.diagnostics.find((d) => d.severity === 'error' && d.cellIndex === cell.index);
    return {
      message: diag?.message ?? 'this cell has errors',
      location: {
        file,
        cell: cell.name,
        key: diag?.key,
        line: (diag?.range.start.line ?? cell.headerLine) + 1,
        column: (diag?.range.start.column ?? 0) + 1,
      },
      details: [],
      exitCode: ExitCode.Error,
    };
  }
  const msg = upstreamFailed
    ? `not run: upstream cell '${upstreamFailed}' failed`
    : 'not run: an upstream cell has errors';
  return {
    message: msg,
    location: { file, cell: cell.name, line: cell.headerLine + 1 },
    details: [],
    exitCode: ExitCode.Error,
    ...(upstreamFailed ? { blockedBy: upstreamFailed } : {}),
  };
}
