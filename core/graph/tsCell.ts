import pl from 'nodejs-polars';
import { transform } from 'esbuild';
import { UserError } from '../errors';
import type { Dataset } from '../frame/dataset';
import type { Cell } from '../notebook/types';
import { emptyResult, type PhaseContext, type PhaseResult } from '../spec/types';
import { LabelLeakError, mergeLabels, passedThrough } from '../frame/provenance';
import { probeLabelDependence } from './tsLabelProbe';

/**
 * A `# %% ts <name>` cell: TypeScript that default-exports a function of its upstream frames.
 *
 *   export default function (inputs, { pl, seed }) {
 *     return inputs.features.withColumns(pl.col('close').log().alias('log_close'));
 *   }
 *
 * `inputs` maps each upstream cell name to its frame. Return a DataFrame (features carried over
 * from the first input, restricted to columns still present) or `{ frame, features }`.
 * Code cells run only in trusted workspaces; the host enforces that before asking the kernel.
 */

type TsCellFn = (inputs: Record<string, pl.DataFrame>, env: { pl: typeof pl; seed: number }) => unknown;

const allowedModules: Record<string, unknown> = { 'nodejs-polars': pl };

async function compile(cell: Cell): Promise<TsCellFn> {
  let code: string;
  try {
    code = (
      await transform(cell.source, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: `${cell.name}.ts` })
    ).code;
  } catch (e) {
    const err = e as { errors?: { text: string; location?: { line: number; column: number } }[] };
    const first = err.errors?.[0];
    throw new UserError(`TypeScript does not compile: ${first?.text ?? String(e)}`, {
      line: first?.location ? cell.bodyLine + first.location.line : undefined,
      column: first?.location ? first.location.column + 1 : undefined,
    });
  }
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  const req = (id: string): unknown => {
    if (id in allowedModules) return allowedModules[id];
    throw new UserError(`a ts cell may only import 'nodejs-polars', not '${id}'`);
  };
  try {
    new Function('module', 'exports', 'require', code)(mod, mod.exports, req);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`the cell's module body threw: ${e instanceof Error ? e.message : String(e)}`);
  }
  const fn = (mod.exports.default ?? mod.exports) as unknown;
  if (typeof fn !== 'function')
    throw new UserError('a ts cell must `export default function (inputs, { pl }) { ... }`');
  return fn as TsCellFn;
}

export async function runTsCell(cell: Cell, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const fn = await compile(cell);
  const frames: Record<string, pl.DataFrame> = {};
  const datasets: Dataset[] = [];
  cell.from.forEach((name, i) => {
    const d = inputs[i]?.dataset;
    if (d) {
      frames[name] = d.frame;
      datasets.push(d);
    }
  });
  let out: unknown;
  try {
    out = await fn(frames, { pl, seed: ctx.seed });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`the cell's function threw: ${e instanceof Error ? e.message : String(e)}`);
  }
  const base: Dataset = datasets[0] ?? { frame: pl.DataFrame({}), features: [], labels: [], sources: [] };
  const { frame, features } = unpack(out);
  const cols = new Set(frame.columns);
  const missing = (features ?? []).filter((f) => !cols.has(f));
  if (missing.length) throw new UserError(`returned features not in the frame: ${missing.join(', ')}`);
  // Labels of every input stay labels; new columns computed from a label become labels too.
  const hop = `ts cell '${cell.name}'`;
  const carried = mergeLabels(...datasets.map((d) => d.labels))
    .filter((l) => cols.has(l.column))
    .map((l) => passedThrough(l, hop));
  const probe = await probeLabelDependence(
    async (fs) => unpack(await fn(fs, { pl, seed: ctx.seed })).frame,
    frames,
    frame,
    carried,
    cell.name,
  );
  const labels = [...carried, ...probe.derived];
  const warnings = probe.inconclusive
    ? [`could not check which columns derive from labels: ${probe.inconclusive}`]
    : [];
  const chosen = features ?? base.features.filter((f) => cols.has(f));
  const leak = chosen.find((f) => labels.some((l) => l.column === f));
  if (leak)
    throw new LabelLeakError(
      leak,
      labels.find((l) => l.column === leak),
      { cell: cell.name },
    );
  const dataset: Dataset = { ...base, frame, features: chosen, labels };
  return emptyResult({ dataset, summary: { rows: frame.height, columns: frame.width }, warnings });
}

function unpack(out: unknown): { frame: pl.DataFrame; features?: string[] } {
  if (pl.DataFrame.isDataFrame(out)) return { frame: out };
  if (out && typeof out === 'object' && pl.DataFrame.isDataFrame((out as { frame?: unknown }).frame)) {
    const f = (out as { features?: unknown }).features;
    return { frame: (out as { frame: pl.DataFrame }).frame, ...(Array.isArray(f) ? { features: f.map(String) } : {}) };
  }
  throw new UserError("the cell's function must return a DataFrame or { frame, features }");
}
