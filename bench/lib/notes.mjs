// The "Notes on method" of bench/results.md: how bench/run.mjs measures (kept in results.json with the run).

export function methodNotes() {
  return [
    "Wall times are per stage inside one process on each side (Phasebook: the session's `finished` events; " +
      "reference: `time.perf_counter`); CPU times are the process's user + system time over the same span " +
      '(all threads). "End to end" is one process from spawn to exit on each side, interpreter start and ' +
      'imports included.',
    'Phasebook runs the notebook through `PipelineSession` from a bundle built like `dist/cli.js`, with what ' +
      '`phasebook run` does around it (JSON-lines log, disk cache writes, the pipeline run record): disk-cache ' +
      'writes fall between cells and count in end to end only.',
    "Phasebook's end to end includes the causality audit gate (docs/design.md §5.4.1, default `audit: error`): " +
      'before the cv cell it recomputes the data cells on perturbed input, cold here (a fresh cache). It runs ' +
      "inside the session but outside every cell's time, so it has its own row and is not in the sum of " +
      'stages; the reference has no such check.',
    "The reference runs with `OMP_WAIT_POLICY=PASSIVE`: on this shared, loaded machine OpenMP's default " +
      'spin-waiting made xgboost 7x slower with 2 threads than with 1 (1.5 s vs 10.5 s on 16k rows); passive ' +
      "waiting is the reference's fair speed here. The GBDT micro-benchmark runs with the same setting.",
    'The reference writes its stacking dataset and predictions as pickles (Debian has no pyarrow, so no ' +
      'Parquet); Phasebook writes Parquet. Both write the same JSON reports.',
    "Same folds: Phasebook's CV run exports every row's test fold; the reference joins them on (symbol, " +
      "timestamp) and applies Phasebook's purge and 1% embargo itself; the train/test row counts per fold are " +
      'compared above.',
    "Models: ridge = StandardScaler + Ridge(alpha 1) on the 0/1 label, clipped to [0, 1] (Phasebook's linear " +
      "probability model); logistic = StandardScaler + LogisticRegression(C 1) (scikit-learn's default lbfgs, " +
      "tol 1e-4; Phasebook uses Newton, tol 1e-8); gbdt = xgboost `hist` with the notebook's parameters " +
      "(max_bin + 1, as Phasebook keeps a bin for missing values) vs Phasebook's histogram GBDT; threads = all " +
      'cores on both sides.',
    'The chart benchmark renders headlessly (vega View, renderer none, to SVG): the same compile + dataflow ' +
      'as the webview without a window to paint.',
  ];
}
