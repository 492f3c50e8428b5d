/**
 * The training loop shared by `gbdt` (boosting) and `forest` (bagging): bin the features, then
 * per round sample rows and columns, compute gradients, grow one tree per output, and update
 * the training (and validation) margins. Early stopping watches the validation loss.
 */
import { CancelledError } from '../../errors';
import type { FeatureMatrix } from '../model';
import { createBackend } from './backend';
import { binMatrix, computeAllCuts, cutSampleRows } from './binning';
import { addTree, EnsembleBuilder, type Ensemble } from './ensemble';
import { growTree } from './grower';
import type { Objective } from './objectives';
import type { GbdtParams } from './params';
import { GbdtRng } from './rng';

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
  const backend = await createBackend(bins, nBins, { lambda: params.lambda, minChildWeight: params.minChildWeight }, threads, opts.note);
  try {
    const a = backend.arrays;
    const base = objective.baseMargin(y, params.baseScore);
    const margins = new Float64Array(n * K);
    for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) margins[i * K + c] = base[c];
    const valid = opts.valid;
    const validMargins = valid ? new Float64Array(valid.X.rows * K) : undefined;
    if (valid && validMargins) for (let i = 0; i < valid.X.rows; i++) for (let c = 0; c < K; c++) validMargins[i * K + c] = base[c];
    const rng = new GbdtRng(opts.seed);
    const builder = new EnsembleBuilder(K);
    const scratch = new Uint32Array(n);
    const sample = new Uint32Array(n);
    const leafScale = mode === 'forest' ? 1 / params.nEstimators : params.learningRate;
    const trainLoss: number[] = [];
    const validLoss: number[] = [];
    let best = { round: -1, loss: Infinity };
    let rounds = 0;
    for (let round = 0; round < params.nEstimators; round++) {
      if (opts.signal?.aborted) throw new CancelledError('gbdt training cancelled');
      const nSample = sampleRows(rng, n, params.subsample, sample);
      const outOfSample = nSample < n ? complement(sample, nSample, n) : undefined;
      const treeFeatures = params.colsampleBytree < 1 ? rng.choose(nF, Math.max(1, Math.round(params.colsampleBytree * nF))) : Int32Array.from({ length: nF }, (_, j) => j);
      objective.prepare(margins, y);
      const grads: Float64Array[] = [];
      for (let c = 0; c < K; c++) {
        objective.gradients(margins, y, c, a.gh);
        grads.push(K > 1 ? a.gh.slice() : a.gh);
      }
      for (let c = 0; c < K; c++) {
        if (K > 1) a.gh.set(grads[c]);
        a.index.set(sample.subarray(0, nSample));
        const root = builder.roots.length;
        const leaves = await growTree({ backend, params, cuts, treeFeatures, nSample, leafScale, rng, scratch }, builder);
        for (const leaf of leaves) {
          const v = builder.value[leaf.node];
          for (let i = leaf.start; i < leaf.end; i++) margins[a.index[i] * K + c] += v;
        }
        const rootNode = builder.roots[root];
        if (outOfSample) addTree(builder, rootNode, X.columns, n, margins, K, c, outOfSample);
        if (valid && validMargins) addTree(builder, rootNode, valid.X.columns, valid.X.rows, validMargins, K, c);
      }
      rounds = round + 1;
      if (opts.recordTrainLoss) trainLoss.push(objective.metric(margins, y));
      if (valid && validMargins) {
        const loss = objective.metric(validMargins, valid.y);
        validLoss.push(loss);
        if (loss < best.loss) best = { round, loss };
        if (mode === 'boost' && params.earlyStoppingRounds > 0 && round - best.round >= params.earlyStoppingRounds) break;
      }
      opts.onProgress?.(rounds / params.nEstimators);
    }
    if (mode === 'boost' && params.earlyStoppingRounds > 0 && best.round >= 0) rounds = best.round + 1;
    builder.truncate(rounds * K);
    return { ensemble: builder.build(), baseMargin: base, rounds, validLoss, trainLoss, workers: backend.workers };
  } finally {
    await backend.close();
  }
}

/** Rows of this round in ascending order: all, or a seeded Bernoulli sample (at least one row). */
function sampleRows(rng: GbdtRng, n: number, fraction: number, out: Uint32Array): number {
  if (fraction >= 1) {
    for (let i = 0; i < n; i++) out[i] = i;
    return n;
  }
  let m = 0;
  for (let i = 0; i < n; i++) if (rng.next() < fraction) out[m++] = i;
  if (m === 0 && n > 0) out[m++] = rng.int(n);
  return m;
}

function complement(sample: Uint32Array, m: number, n: number): Uint32Array {
  const out = new Uint32Array(n - m);
  let k = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (j < m && sample[j] === i) j++;
    else out[k++] = i;
  }
  return out;
}
