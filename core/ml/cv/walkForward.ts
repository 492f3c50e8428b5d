/**
 * Walk-forward splits, cut on bars (distinct timestamps). Test blocks of `testSize` bars fill the
 * end of the data, one after another; training always lies strictly before its test block,
 * separated by `gap` bars.
 * - expanding: train = every bar from the start up to testStart - gap.
 * - sliding:   train = the `trainSize` bars ending at testStart - gap (every window the same size).
 * Defaults: testSize = floor((bars - gap - trainSize) / n_splits) when trainSize is given, else
 * floor((bars - gap) / (n_splits + 1)); trainSize (sliding) = the first window's size.
 * With `labelEnds`, training rows whose label ends at or after the test block's first timestamp
 * are purged as well (the gap alone may be shorter than the label horizon).
 */
import { UserError } from '../../errors';
import type { SplitFold } from './types';
import { checkLabelEnds, indexTimes, rowsOfBars } from './timeIndex';
import { checkSplits } from './purgedKFold';

export interface WalkForwardOptions {
  nSplits: number;
  mode: 'expanding' | 'sliding';
  /** Bars in the first training window (sliding: in every window). */
  trainSize?: number;
  /** Bars per test block. */
  testSize?: number;
  /** Bars left out between the end of training and the start of the test block. */
  gap?: number;
  /** Label end time per row (see labelEndTimes); enables purging. */
  labelEnds?: Float64Array;
}

function checkCount(value: number | undefined, key: string, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new UserError(`${key} must be a whole number of bars >= ${min}, got ${value}`, { key });
  }
}

export function walkForward(times: Float64Array, opts: WalkForwardOptions): SplitFold[] {
  const { nSplits, mode } = opts;
  const gap = opts.gap ?? 0;
  checkCount(opts.gap, 'gap', 0);
  checkCount(opts.trainSize, 'train_size', 1);
  checkCount(opts.testSize, 'test_size', 1);
  const ix = indexTimes(times);
  if (opts.labelEnds) checkLabelEnds(times, opts.labelEnds);
  const nBars = ix.bars.length;
  checkSplits(nSplits, nBars, 1);

  const testSize =
    opts.testSize ??
    Math.floor((nBars - gap - (opts.trainSize ?? 0)) / (nSplits + (opts.trainSize === undefined ? 1 : 0)));
  const firstTest = nBars - nSplits * testSize;
  const firstTrain = firstTest - gap;
  if (testSize < 1 || firstTrain < (opts.trainSize ?? 1)) {
    throw new UserError(
      `walk-forward needs at least ${(opts.trainSize ?? 1) + gap + nSplits * Math.max(testSize, 1)} distinct ` +
        `timestamps ` +
        `(train ${opts.trainSize ?? 1} + gap ${gap} + ${nSplits} x test ${Math.max(testSize, 1)}), the data ` +
        `has ${nBars}`,
      { key: opts.testSize !== undefined ? 'test_size' : 'n_splits' },
    );
  }
  const windowSize = opts.trainSize ?? firstTrain;

  const folds: SplitFold[] = [];
  for (let k = 0; k < nSplits; k++) {
    const testFrom = firstTest + k * testSize;
    const trainTo = testFrom - gap;
    const trainFrom = mode === 'sliding' ? trainTo - windowSize : 0;
    const test = rowsOfBars(ix, testFrom, testFrom + testSize);
    let train = rowsOfBars(ix, trainFrom, trainTo);
    let purged = 0;
    const testStart = ix.bars[testFrom];
    const ends = opts.labelEnds;
    if (ends) {
      const kept = train.filter((i) => ends[i] < testStart);
      purged = train.length - kept.length;
      train = kept;
    }
    folds.push({ fold: k, train, test, testStart, testEnd: ix.bars[testFrom + testSize - 1], purged, embargoed: 0 });
  }
  return folds;
}
