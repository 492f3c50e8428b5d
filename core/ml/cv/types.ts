/**
 * Folds over the rows of a dataset. Row indices refer to the caller's row order (the order of
 * the `times` array handed to a splitter); they are sorted ascending inside each fold.
 */

export interface Fold {
  /** 0-based fold number. */
  fold: number;
  train: Uint32Array;
  test: Uint32Array;
}

/** A fold produced by one of our splitters, with what it removed and the time span it tests. */
export interface SplitFold extends Fold {
  /** First and last timestamp (ms) of the test rows. */
  testStart: number;
  testEnd: number;
  /** Training rows removed because their label interval overlaps the test labels. */
  purged: number;
  /** Training rows removed by the embargo after the test block (and not already purged). */
  embargoed: number;
}
