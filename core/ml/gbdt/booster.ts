/**
 * The training loop shared by `gbdt` (boosting) and `forest` (bagging): bin the features, then
 * per round sample rows and columns, compute gradients, grow one tree per output, and update
 * the training (and validation) margins. Early stopping watches the validation loss.
 */
import { CancelledError } from '../../errors';
import type { EarlyStoppingReport, FeatureMatrix } from '../model';
import { createBackend } from './backend';
import { binMatrix, computeAllCuts, cutSampleRows } from './binning';
import { addTree, addTreeByPosition, EnsembleBuilder, truncateEnsemble, type Ensemble } from './ensemble';
import { growTree } from './grower';
import type { Objective } from './objectives';
import type { GbdtParams } from './params';
import { SeededRng } from '../rng';
import { EarlyStopping } from '../training/earlyStopping';

export interface TrainOptions {
  seed: number;
  threads: number;
  valid?: { X: FeatureMatrix; y: Float64Array };
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Receives notes such as "worker threads unavailable". */
  note?: (message: string) => void;
  /** Compute the training loss every round (costs a pass over the rows). */
  recordTrainLoss?: boolean;
}

export interface TrainedEnsemble {
  ensemble: Ensemble;
  baseMargin: Float64Array;
  /** Rounds kept (after early stopping: best round + 1). */
  rounds: number;
  /** Validation loss per round, when a validation set was given. */
  validLoss: number[];
  /** Training loss per round (before early-stopping truncation), when recordTrainLoss. */
  trainLoss: number[];
  workers: number;
  /** Every round that ran (before early-stopping truncation): what checkpoints are cut from. */
  allRounds: Ensemble;
  /** With early stopping on: the monitored metric, the best round (0-based) and its score, the rounds run. */
  earlyStopping?: EarlyStoppingReport;
}

/**
 * `forest` mode: gradients are taken at the base margin every round and each tree's leaves
 * are scaled by 1 / n_estimators, so the model is the average of independent trees.
 */
export async function trainEnsemble(
  X: FeatureMatrix,
  y: Float64Array,
  params: GbdtParams,
  objective: Objective,
  mode: 'boost' | 'forest',
  opts: TrainOptions,
): Promise<TrainedEnsemble> {
  const n = X.rows;
  const nF = X.columns.length;
  const K = objective.outputs;
  const cuts = computeAllCuts(X.columns, params.maxBin, cutSampleRows(n, opts.seed));
  const nBins = Int32Array.from(cuts, (c) => c.length + 1);
  const threads = Math.max(1, Math.floor(opts.threads));
  const bins = binMatrix(X.columns, n, cuts, threads > 1 && nF > 1);
  // One output: margins and labels live in position order beside the bins (see rows.ts).
  const byPosition = K === 1;
  const backend = await createBackend(
    bins,
    nBins,
    { lambda: params.lambda, minChildWeight: params.minChildWeight },
    threads,
    opts.note,
    byPosition,
  );
  try {
    const order = backend.order;
    const base = objective.baseMargin(y, params.baseScore);
    // K > 1: margins by row (row-major, K per row). K = 1: margin and label by position, in the
    // live row set (order.now), which every partition replaces.
    const byRow = byPosition ? new Float64Array(0) : new Float64Array(n * K);
    const margins = (): Float64Array => (byPosition ? order.now.margin : byRow);
    const labels = (): Float64Array => (byPosition ? order.now.label : y);
    if (byPosition) order.now.label.set(y);
    const m0 = margins();
    for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) m0[i * K + c] = base[c];
    const valid = opts.valid;
    const validMargins = valid ? new Float64Array(valid.X.rows * K) : undefined;
    if (valid && validMargins)
      for (let i = 0; i < valid.X.rows; i++) for (let c = 0; c < K; c++) validMargins[i * K + c] = base[c];
    const rng = new SeededRng(opts.seed);
    const builder = new EnsembleBuilder(K);
    const keep = new Uint8Array(n);
    const rowGh = new Float32Array(byPosition ? 0 : 2 * n);
    const leafScale = mode === 'forest' ? 1 / params.nEstimators : params.learningRate;
    const trainLoss: number[] = [];
    const validLoss: number[] = [];
    const stopper =
      mode === 'boost' && params.earlyStoppingRounds > 0 && valid
        ? new EarlyStopping({
            patience: params.earlyStoppingRounds,
            minDelta: params.minDelta,
            metric: objective.metricName,
          })
        : undefined;
    let rounds = 0;
    for (let round = 0; round < params.nEstimators; round++) {
      if (opts.signal?.aborted) throw new CancelledError('gbdt training cancelled');
      const nSample = params.subsample < 1 ? order.moveToFront(sampleRows(rng, params.subsample, keep)) : n;
      const treeFeatures =
        params.colsampleBytree < 1
          ? rng.choose(nF, Math.max(1, Math.round(params.colsampleBytree * nF)))
          : Int32Array.from({ length: nF }, (_, j) => j);
      objective.prepare(margins(), labels());
      const grads: Float32Array[] = [];
      if (byPosition) objective.gradients(margins(), labels(), 0, order.now.gh);
      else {
        for (let c = 0; c < K; c++) {
          objective.gradients(byRow, y, c, rowGh);
          grads.push(rowGh.slice());
        }
      }
      for (let c = 0; c < K; c++) {
        if (!byPosition) order.loadGradients(grads[c], nSample);
        const root = builder.roots.length;
        const leaves = await growTree({ backend, params, cuts, treeFeatures, nSample, leafScale, rng }, builder);
        const { rowOf } = order.now;
        const m = margins();
        for (const leaf of leaves) {
          const v = builder.value[leaf.node];
          if (leaf.split) order.addOnSide(leaf.start, leaf.end, leaf.split, v, m, byPosition, K, c);
          else if (byPosition) for (let p = leaf.start; p < leaf.end; p++) m[p] += v;
          else for (let p = leaf.start; p < leaf.end; p++) m[rowOf[p] * K + c] += v;
        }
        const rootNode = builder.roots[root];
        if (nSample < n) {
          // Rows outside this round's sample: route their raw values through the new tree.
          if (byPosition) addTreeByPosition(builder, rootNode, X.columns, rowOf.subarray(nSample), m.subarray(nSample));
          else addTree(builder, rootNode, X.columns, n, m, K, c, notKept(keep, n - nSample));
        }
        if (valid && validMargins) addTree(builder, rootNode, valid.X.columns, valid.X.rows, validMargins, K, c);
      }
      rounds = round + 1;
      if (opts.recordTrainLoss) trainLoss.push(objective.metric(margins(), labels()));
      if (valid && validMargins) {
        const loss = objective.metric(validMargins, valid.y);
        validLoss.push(loss);
        if (stopper?.step(loss)) break;
      }
      opts.onProgress?.(rounds / params.nEstimators);
    }
    const ran = rounds;
    if (stopper && stopper.bestStep >= 0) rounds = stopper.bestStep + 1;
    const allRounds = builder.build();
    const earlyStopping: EarlyStoppingReport | undefined =
      stopper && stopper.bestStep >= 0
        ? {
            metric: stopper.comparator.metric,
            direction: stopper.comparator.direction,
            patience: stopper.patience,
            min_delta: stopper.minDelta,
            best_round: stopper.bestStep,
            best_score: stopper.best,
            rounds_run: ran,
            stopped_early: stopper.stopped,
          }
        : undefined;
    return {
      ensemble: truncateEnsemble(allRounds, rounds * K),
      allRounds,
      baseMargin: base,
      rounds,
      validLoss,
      trainLoss,
      workers: backend.workers,
      ...(earlyStopping ? { earlyStopping } : {}),
    };
  } finally {
    await backend.close();
  }
}

/** keep[row] = 1 for this round's seeded Bernoulli sample of rows (at least one row). */
function sampleRows(rng: SeededRng, fraction: number, keep: Uint8Array): Uint8Array {
  let m = 0;
  for (let i = 0; i < keep.length; i++) m += keep[i] = rng.next() < fraction ? 1 : 0;
  if (m === 0 && keep.length > 0) keep[rng.int(keep.length)] = 1;
  return keep;
}

/** The rows with keep[row] = 0, ascending. */
function notKept(keep: Uint8Array, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i] === 0) out[k++] = i;
  return out;
}
