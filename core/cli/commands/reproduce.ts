/**
 * `phasebook reproduce RUN` re-runs a pipeline run exactly as it ran — the notebook text stored in
 * its folder, the same seed and `--config` overrides, the same cells — in a scratch copy of the
 * notebook's folder (links to the input files at their relative paths; its own runs, artifacts and
 * cache: nothing of the original is read from the cache or overwritten). Then every artifact a cell wrote is compared
 * by sha256
 * with the one recorded; the first that differs is named, as is every input file that changed since.
 * A training/CV/stacking run made by a pipeline run is reproduced through that pipeline run.
 * Exit 0 when every artifact matches, 2 when one differs.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { hashFile } from '../../base/hash';
import { ExitCode, UserError } from '../../errors';
import { PipelineSession } from '../../engine/session';
import { createLogger } from '../../log';
import type { CellOverrides } from '../../notebook/overrides';
import { DEFAULT_ROOTS, type ArtifactRoots } from '../../runs/roots';
import { parseFlags } from '../args';
import { codeAllowed, gateCode } from '../codeGate';
import type { Command } from '../io';
import { STORED_NOTEBOOK } from '../pipelineRun';

const usage = 'phasebook reproduce RUN_ID|RUN_DIR [--runs-root DIR] [--keep] [--allow-code]';

interface StoredCell {
  cell: string;
  status: string;
  artifacts?: { path: string; sha256: string }[];
  run?: string;
}
interface Recipe {
  notebook_sha256: string;
  base_dir: string;
  base_from_cwd: string;
  cwd_from_base: string;
  inputs: { cell: string; path: string; sha256: string }[];
}

const TEXT = /\.(json|md|csv|txt|svg|html|yaml)$/;
const RUN_ID = /\d{8}_\d{6}_\d{6}_[0-9a-f]{4}/g;

/**
 * A text artifact that differs only in the run ids it names (a stacking model names its parent CV
 * run; a re-run has new ids) is the same result. Only when the recorded file is still on disk as
 * recorded (its sha256 unchanged) can the two be compared this way.
 */
async function sameUpToRunIds(recorded: string, recordedSha: string, fresh: string): Promise<boolean> {
  if (!TEXT.test(recorded) || (await hashFile(recorded).catch(() => 'missing')) !== recordedSha) return false;
  try {
    return readFileSync(recorded, 'utf8').replace(RUN_ID, '*') === readFileSync(fresh, 'utf8').replace(RUN_ID, '*');
  } catch {
    return false;
  }
}

/** A path with run ids (`ridge_h20_20261202_124220_663737_5664`, CV folders `20261202_...`) masked. */
const masked = (path: string): string => path.split(sep).join('/').replace(RUN_ID, '*');

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const inside = (rel: string): boolean => !rel.startsWith('..') && !isAbsolute(rel);

/**
 * Where in the scratch folder the notebook's folder and the working folder go: data paths in
 * artifacts are relative to the working folder, so both keep the relation they had in the run.
 */
function layout(scratch: string, rec: Recipe): { base: string; cwd: string | undefined } {
  if (inside(rec.base_from_cwd)) return { base: join(scratch, rec.base_from_cwd), cwd: scratch };
  if (inside(rec.cwd_from_base)) return { base: scratch, cwd: join(scratch, rec.cwd_from_base) };
  return { base: scratch, cwd: undefined };
}

interface Stored {
  id: string;
  artifacts?: { path: string; sha256: string }[];
  kind: string;
  seed: number;
  config: { notebook?: string; cells?: string[]; overrides?: { file: string; cells: CellOverrides['cells'] } };
  meta?: { cells?: StoredCell[]; reproduce?: Recipe };
}

function readManifest(dir: string): Stored | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Stored;
  } catch {
    return undefined;
  }
}

/** The pipeline run folder for `ref` (a run id under the runs root, or a run folder), and the cell it narrows to. */
function locate(ref: string, cwd: string, runsRoot: string): { dir: string; manifest: Stored; onlyCell?: string } {
  const direct = [resolve(cwd, ref), join(runsRoot, ref)].find((d) => existsSync(join(d, 'run.json')));
  if (!direct)
    throw new UserError(`no run '${ref}'`, { file: runsRoot }, [
      `looked for ${join(runsRoot, ref, 'run.json')}; list runs with \`phasebook runs\``,
    ]);
  const manifest = readManifest(direct);
  if (!manifest) throw new UserError('run.json cannot be read', { file: join(direct, 'run.json') });
  if (manifest.kind === 'pipeline') return { dir: direct, manifest };
  // A run a cell made: find the pipeline run that lists it.
  const root = resolve(direct, '..');
  for (const name of readdirSync(root)
    .filter((n) => n.startsWith('pipeline_'))
    .sort()
    .reverse()) {
    const m = readManifest(join(root, name));
    const cell = m?.meta?.cells?.find((c) => c.run === manifest.id);
    if (m && cell) return { dir: join(root, name), manifest: m, onlyCell: cell.cell };
  }
  throw new UserError(
    `run '${manifest.id}' is a ${manifest.kind} run no pipeline run made`,
    { file: join(direct, 'run.json') },
    ['reproduce takes a pipeline run (`phasebook run` records one per call), or a run one of its cells made'],
  );
}

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: "Re-run a pipeline run from its stored notebook in a scratch folder and check every artifact's sha256.",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { 'runs-root': { type: 'string' }, keep: { type: 'boolean' }, 'allow-code': { type: 'boolean' } },
      usage,
    );
    if (positionals.length !== 1) throw new UserError('give exactly one run id or run folder', {}, [`usage: ${usage}`]);
    const runsRoot = resolve(io.cwd, values['runs-root'] ?? DEFAULT_ROOTS.runs);
    const { dir, manifest, onlyCell } = locate(positionals[0] as string, io.cwd, runsRoot);
    const rec = manifest.meta?.reproduce;
    if (!rec)
      throw new UserError(
        `run '${manifest.id}' was recorded before runs kept what reproduce needs (the notebook copy, inputs ` +
          `and configs)`,
        { file: join(dir, 'run.json') },
      );
    const text = readFileSync(join(dir, STORED_NOTEBOOK), 'utf8');
    if (createHash('sha256').update(text).digest('hex') !== rec.notebook_sha256) {
      throw new UserError(`the stored notebook was changed after the run (sha256 differs from run.json)`, {
        file: join(dir, STORED_NOTEBOOK),
      });
    }
    const baseDir = resolve(dir, rec.base_dir);
    const changedInputs: string[] = [];
    for (const input of rec.inputs) {
      const now = await hashFile(resolve(baseDir, input.path)).catch(() => 'missing');
      if (now !== input.sha256)
        changedInputs.push(
          `${input.path} (read by '${input.cell}'): ` +
            `${
              now === 'missing'
                ? 'missing now'
                : `sha256 ` + `${input.sha256.slice(0, 12)} ` + `then, ${now.slice(0, 12)} now`
            }`,
        );
    }
    // The scratch folder stands in for the notebook's folder: the notebook and (links to) its input
    // files at the same relative paths, so every path a cell writes into an artifact is the same.
    // The scratch folder stands in for the notebook's folder: the notebook and (links to) its input
    // files at the same relative paths, so every path a cell writes into an artifact is the same.
    const scratch = mkdtempSync(join(tmpdir(), 'phasebook-reproduce-'));
    const { base, cwd } = layout(scratch, rec);
    const before = process.cwd();
    try {
      for (const input of rec.inputs) {
        if (!inside(input.path)) {
          throw new UserError(
            `input ${input.path} (read by '${input.cell}') is outside the notebook's folder: reproduce ` +
              `re-runs inside a copy of that folder`,
            { file: join(dir, 'run.json') },
          );
        }
        const at = join(base, input.path);
        mkdirSync(dirname(at), { recursive: true });
        if (!existsSync(at) && existsSync(resolve(baseDir, input.path))) symlinkSync(resolve(baseDir, input.path), at);
      }
      const notebookPath = join(base, manifest.config.notebook ?? STORED_NOTEBOOK);
      mkdirSync(dirname(notebookPath), { recursive: true });
      writeFileSync(notebookPath, text);
      if (cwd) {
        mkdirSync(cwd, { recursive: true });
        process.chdir(cwd);
      } else {
        io.out(
          "note: the run was made from a folder that neither holds nor is inside the notebook's folder; data " +
            'paths in its artifacts may differ\n',
        );
      }
      const overrides = manifest.config.overrides ? { ...manifest.config.overrides, at: {} } : undefined;
      const open = (rootOverrides?: Partial<ArtifactRoots>) =>
        new PipelineSession(text, {
          notebookPath,
          baseDir: base,
          rootOverrides,
          seed: manifest.seed,
          log: createLogger([]),
          overrides,
          jobs: 1,
        });
      // Roots the notebook puts outside its folder (absolute paths) are moved into the scratch folder too.
      const outside = Object.entries(open().roots).filter(([, p]) => !inside(relative(base, p)));
      const session = open(Object.fromEntries(outside.map(([k]) => [k, join(scratch, '.outside', k)])));
      const note = gateCode(
        session.parsed,
        manifest.config.notebook ?? STORED_NOTEBOOK,
        codeAllowed(values['allow-code'], io.env),
        `phasebook reproduce ${positionals[0]}`,
        onlyCell ? [onlyCell] : manifest.config.cells,
      );
      if (note) io.err(note);
      const recorded = (manifest.meta?.cells ?? []).filter((c) => !onlyCell || c.cell === onlyCell);
      io.out(`reproducing ${manifest.id}${onlyCell ? ` (cell '${onlyCell}')` : ''} in ${scratch}\n`);
      const report = await session.run({ cells: onlyCell ? [onlyCell] : manifest.config.cells, force: true });
      const fresh = new Map<string, string[]>();
      for (const o of report.outcomes) {
        const files = (o.result?.artifacts ?? []).map((a) => resolve(session.baseDir, a.path)).filter((p) => isFile(p));
        fresh.set(o.cell, files);
      }
      let compared = 0;
      let upToIds = 0;
      let first: string | undefined;
      for (const c of recorded) {
        // Artifacts are matched by their path with run ids masked (a re-run gets new ids), in order.
        const pool = [...(fresh.get(c.cell) ?? [])];
        for (const a of c.artifacts ?? []) {
          const i = pool.findIndex((p) => masked(relative(session.baseDir, p)) === masked(a.path));
          const other = i >= 0 ? pool.splice(i, 1)[0] : undefined;
          const sha = other ? await hashFile(other).catch(() => 'missing') : 'missing';
          compared++;
          if (sha !== a.sha256 && other && (await sameUpToRunIds(resolve(baseDir, a.path), a.sha256, other))) upToIds++;
          else if (sha !== a.sha256 && !first)
            first =
              `cell '${c.cell}' artifact ${a.path}: sha256 ${a.sha256.slice(0, 12)} recorded, ` +
              `${sha === 'missing' ? 'not written' : sha.slice(0, 12)} now`;
        }
      }
      // The runs cells made (CV, training, stacking): every artifact their run.json lists.
      const freshRuns = new Map(report.outcomes.map((o) => [o.cell, o.result?.run?.id]));
      for (const c of recorded) {
        if (!c.run) continue;
        const then = readManifest(join(dir, '..', c.run));
        const nowId = freshRuns.get(c.cell);
        const nowM = nowId ? readManifest(join(session.roots.runs, nowId)) : undefined;
        const pool = [...(nowM?.artifacts ?? [])];
        for (const a of then?.artifacts ?? []) {
          const i = pool.findIndex((b) => masked(b.path) === masked(a.path));
          const other = i >= 0 ? pool.splice(i, 1)[0] : undefined;
          compared++;
          const thenPath = resolve(dir, '..', c.run, a.path);
          const nowPath = nowId ? resolve(session.roots.runs, nowId, other?.path ?? a.path) : '';
          if (other && other.sha256 !== a.sha256 && (await sameUpToRunIds(thenPath, a.sha256, nowPath))) upToIds++;
          else if (other?.sha256 !== a.sha256 && !first) {
            first =
              `cell '${c.cell}' run ${c.run} artifact ${a.path}: sha256 ${a.sha256.slice(0, 12)} recorded, ` +
              `${other ? other.sha256.slice(0, 12) : 'not written'} now`;
          }
        }
      }
      for (const c of changedInputs) io.out(`input changed: ${c}\n`);
      // A cell that succeeded in the run must succeed again (one that failed then may fail the same way).
      const nowStatus = new Map(report.outcomes.map((o) => [o.cell, o]));
      const broke = recorded.filter((c) => c.status !== 'failed' && nowStatus.get(c.cell)?.status === 'failed');
      for (const c of broke)
        first ??=
          `cell '${c.cell}' ${c.status} in the run, failed now: ` +
          `${nowStatus.get(c.cell)?.error?.message ?? 'failed'}`;
      if (first) {
        io.out(`not reproduced: ${first}\n`);
        return ExitCode.Validation;
      }
      const equal = compared - upToIds;
      io.out(
        `reproduced: ${compared} artifact${compared === 1 ? '' : 's'} of ${recorded.length} ` +
          `cell${recorded.length === 1 ? '' : 's'}: ` +
          `${equal} with the same ` +
          `sha256${upToIds ? `, ${upToIds} the same once the run ids they name are masked` : ''}\n`,
      );
      return ExitCode.Ok;
    } finally {
      process.chdir(before);
      if (values.keep) io.out(`kept ${scratch}\n`);
      else rmSync(scratch, { recursive: true, force: true });
    }
  },
};
