/**
 * Combinatorial purged cross-validation (CPCV; López de Prado, Advances in Financial Machine
 * Learning, ch. 12), cut on time like purged k-fold (purgedKFold.ts):
 * - The bars are cut into N contiguous groups balanced by row count (the purged k-fold boundaries).
 * - Every choice of k test groups is a split: C(N, k) splits, in lexicographic order of the groups.
 * - Purge, per test group g: a non-test row whose label interval [t_i, t1_i] intersects
 *   [first time of g, latest label end in g] is removed from training.
 * - Embargo, per test group: the ceil(pct_embargo * bars) bars right after g are removed from training.
 * - Paths: each group is tested by C(N-1, k-1) splits; path j takes, for every group, the j-th split
 *   (in split order) that tests it. So there are φ = C(N-1, k-1) = k/N·C(N, k) paths, each a full
 *   out-of-sample series over every group; the C(N, k)·k (split, group) pairs fill N·φ path segments.
 */
import { UserError } from '../../errors';
import { balancedBoundaries, checkSplits } from './purgedKFold';
import { checkLabelEnds, indexTimes, rowsOfBars } from './timeIndex';
import type { SplitFold } from './types';

export interface CpcvOptions {
  nGroups: number;
  nTestGroups: number;
  /** Fraction of bars after each test group removed from training, in [0, 1). */
  pctEmbargo: number;
}

export interface CpcvGroup {
  /** Bars [firstBar, endBar). */
  firstBar: number;
  endBar: number;
  start: number;
  end: number;
  rows: number;
}

/** A split: its test groups, and per training-side group what purge and embargo removed. */
export interface CpcvSplit extends SplitFold {
  testGroups: number[];
  /** Per group: rows removed by the purge / by the embargo (0 for test groups). */
  purgedByGroup: number[];
  embargoedByGroup: number[];
  /** The rows removed by the purge and by the embargo, ascending. */
  purgedRows: Uint32Array;
  embargoedRows: Uint32Array;
}

export interface CpcvPlan {
  groups: CpcvGroup[];
  splits: CpcvSplit[];
  /** paths[p][g]: index of the split whose test rows of group g form path p's segment g. */
  paths: number[][];
  /** Group of each row. */
  groupOfRow: Uint32Array;
}

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** All k-subsets of 0..n-1, lexicographic. */
function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]): void => {
    if (acc.length === k) {
      out.push(acc.slice());
      return;
    }
    for (let g = start; g <= n - (k - acc.length); g++) {
      acc.push(g);
      rec(g + 1, acc);
      acc.pop();
    }
  };
  rec(0, []);
  return out;
}

/** Refuses more splits than are reasonable to fit (each split is one model fit per model). */
export const MAX_CPCV_SPLITS = 500;

export function combinatorialPurgedKFold(times: Float64Array, labelEnds: Float64Array, opts: CpcvOptions): CpcvPlan {
  const { nGroups, nTestGroups, pctEmbargo } = opts;
  if (!(pctEmbargo >= 0 && pctEmbargo < 1)) {
    throw new UserError(`pct_embargo must be a fraction in [0, 1), got ${pctEmbargo}`, { key: 'pct_embargo' });
  }
  if (!Number.isInteger(nTestGroups) || nTestGroups < 1 || nTestGroups >= nGroups) {
    throw new UserError(
      `n_test_groups must be a whole number from 1 to n_groups - 1 (${nGroups - 1}), got ${nTestGroups}`,
      { key: 'n_test_groups' },
    );
  }
  const nSplits = binomial(nGroups, nTestGroups);
  if (nSplits > MAX_CPCV_SPLITS) {
    throw new UserError(
      `n_groups ${nGroups} with n_test_groups ${nTestGroups} makes ${nSplits} splits (C(${nGroups}, ` +
        `${nTestGroups})); at most ${MAX_CPCV_SPLITS}`,
      { key: 'n_groups' },
    );
  }
  const ix = indexTimes(times);
  checkLabelEnds(times, labelEnds);
  const nBars = ix.bars.length;
  try {
    checkSplits(nGroups, nBars);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message.replace(/n_splits/g, 'n_groups'), { key: 'n_groups' });
    throw e;
  }
  const bounds = balancedBoundaries(ix, nGroups);
  const embargoBars = Math.ceil(pctEmbargo * nBars);
  const n = ix.rows;
  const groupOfRow = new Uint32Array(n);
  const groups: CpcvGroup[] = [];
  const groupEnd = new Float64Array(nGroups); // latest label end of the group's rows
  for (let g = 0; g < nGroups; g++) {
    const rows = rowsOfBars(ix, bounds[g], bounds[g + 1]);
    let maxEnd = -Infinity;
    for (const i of rows) {
      groupOfRow[i] = g;
      if (labelEnds[i] > maxEnd) maxEnd = labelEnds[i];
    }
    groupEnd[g] = maxEnd;
    groups.push({
      firstBar: bounds[g],
      endBar: bounds[g + 1],
      start: ix.bars[bounds[g]],
      end: ix.bars[bounds[g + 1] - 1],
      rows: rows.length,
    });
  }

  const splits: CpcvSplit[] = [];
  const trainBuf = new Uint32Array(n);
  const testBuf = new Uint32Array(n);
  for (const [s, testGroups] of subsets(nGroups, nTestGroups).entries()) {
    const isTest = new Uint8Array(nGroups);
    for (const g of testGroups) isTest[g] = 1;
    const purgedByGroup = new Array<number>(nGroups).fill(0);
    const embargoedByGroup = new Array<number>(nGroups).fill(0);
    const purgedRows: number[] = [];
    const embargoedRows: number[] = [];
    let nTrain = 0;
    let nTest = 0;
    for (let i = 0; i < n; i++) {
      const g = groupOfRow[i];
      if (isTest[g]) {
        testBuf[nTest++] = i;
        continue;
      }
      const bar = ix.barOf[i];
      let removed: 'purged' | 'embargoed' | undefined;
      for (const tg of testGroups) {
        const tStart = ix.bars[bounds[tg]];
        if (!(labelEnds[i] < tStart || times[i] > groupEnd[tg])) {
          removed = 'purged';
          break;
        }
      }
      if (!removed) {
        for (const tg of testGroups) {
          if (bar >= bounds[tg + 1] && bar < bounds[tg + 1] + embargoBars) {
            removed = 'embargoed';
            break;
          }
        }
      }
      if (removed === 'purged') {
        purgedByGroup[g]++;
        purgedRows.push(i);
      } else if (removed === 'embargoed') {
        embargoedByGroup[g]++;
        embargoedRows.push(i);
      } else trainBuf[nTrain++] = i;
    }
    const first = testGroups[0];
    const last = testGroups[testGroups.length - 1];
    splits.push({
      fold: s,
      train: trainBuf.slice(0, nTrain),
      test: testBuf.slice(0, nTest),
      testStart: groups[first].start,
      testEnd: groups[last].end,
      purged: purgedByGroup.reduce((a, b) => a + b, 0),
      embargoed: embargoedByGroup.reduce((a, b) => a + b, 0),
      testGroups,
      purgedByGroup,
      embargoedByGroup,
      purgedRows: Uint32Array.from(purgedRows),
      embargoedRows: Uint32Array.from(embargoedRows),
    });
  }

  const nPaths = binomial(nGroups - 1, nTestGroups - 1);
  const paths: number[][] = Array.from({ length: nPaths }, () => new Array<number>(nGroups).fill(-1));
  for (let g = 0; g < nGroups; g++) {
    let j = 0;
    for (const [s, sp] of splits.entries()) if (sp.testGroups.includes(g)) paths[j++][g] = s;
    if (j !== nPaths) throw new Error(`group ${g} is tested by ${j} splits, expected ${nPaths}`);
  }
  return { groups, splits, paths, groupOfRow };
}

export type CpcvRole = 'train' | 'test' | 'purged' | 'embargoed';

export interface CpcvSegment {
  split: number;
  role: CpcvRole;
  /** First bar time (ms) of the run, and the first bar time after it (its own last bar at the end). */
  start: number;
  end: number;
  rows: number;
}

/**
 * Per split, runs of consecutive bars with one role, for the timeline chart. A bar takes the
 * strongest role of its rows: test > purged > embargoed > train.
 */
export function cpcvTimeline(plan: CpcvPlan, times: Float64Array): CpcvSegment[] {
  const ix = indexTimes(times);
  const roles: CpcvRole[] = ['train', 'embargoed', 'purged', 'test'];
  const out: CpcvSegment[] = [];
  const barRows = new Uint32Array(ix.bars.length);
  for (let i = 0; i < times.length; i++) barRows[ix.barOf[i]]++;
  for (const s of plan.splits) {
    const barRole = new Uint8Array(ix.bars.length); // index into roles
    const mark = (rows: Uint32Array, r: number): void => {
      for (const i of rows) if (r > barRole[ix.barOf[i]]) barRole[ix.barOf[i]] = r;
    };
    mark(s.embargoedRows, 1);
    mark(s.purgedRows, 2);
    mark(s.test, 3);
    let from = 0;
    for (let b = 1; b <= ix.bars.length; b++) {
      if (b === ix.bars.length || barRole[b] !== barRole[from]) {
        let rows = 0;
        for (let k = from; k < b; k++) rows += barRows[k];
        out.push({
          split: s.fold,
          role: roles[barRole[from]],
          start: ix.bars[from],
          end: ix.bars[Math.min(b, ix.bars.length - 1)],
          rows,
        });
        from = b;
      }
    }
  }
  return out;
}
