/**
 * Runs histogram tasks on one thread (in process) or on several: the main thread plus
 * `threads - 1` workers sharing the binned matrix, gradients and histogram pool
 * through SharedArrayBuffers. The tree's features are cut into one contiguous run per thread;
 * the per-node candidates are merged in a fixed order, so results do not depend on the thread
 * count.
 */
import type { Worker } from 'node:worker_threads';
import type { BinnedMatrix } from './binning';
import { SLOT_STRIDE_PER_FEATURE, type RowSet, type SharedArrays, type SplitRules } from './kernel';
import { countSegments, placeSegments, planPartition, RowOrder, scatterSegments } from './rows';
import { mergeCandidates, runHistTask, shareOut, type FromWorker, type HistTask, type ToWorker } from './task';
import { findWorkerEntry, startWorker } from './worker-path';

export interface HistBackend {
  readonly arrays: SharedArrays;
  /** The main thread's partitioner (sampling, gradient loading, rowOf). */
  readonly order: RowOrder;
  /** Worker threads actually running (0 = everything in process). */
  readonly workers: number;
  /** Grow the histogram pool to at least `slots` slots, keeping its contents. */
  ensureSlots(slots: number): void;
  run(task: HistTask, treeFeatures: Int32Array): Promise<Float64Array>;
  /** Partition the given nodes (PARTITION_FIELDS per job, disjoint ranges); rows sent left per job. */
  partition(jobs: Int32Array): Promise<Int32Array>;
  close(): Promise<void>;
}

const INITIAL_SLOTS = 8;
/** How long a starting worker may take to say it is ready (tsx compiles the sources first). */
const READY_TIMEOUT_MS = 60_000;

function allocF64(n: number, shared: boolean): Float64Array {
  return shared && n > 0 ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
}

function identity(a: Uint32Array): Uint32Array {
  for (let p = 0; p < a.length; p++) a[p] = p;
  return a;
}

function makeRowSet(bins: Uint32Array, rows: number, shared: boolean, stateRows: number): RowSet {
  const u32 = (n: number): Uint32Array =>
    shared ? new Uint32Array(new SharedArrayBuffer(Math.max(4, n * 4))) : new Uint32Array(n);
  return {
    bins,
    gh: shared ? new Float32Array(new SharedArrayBuffer(Math.max(8, rows * 8))) : new Float32Array(2 * rows),
    rowOf: identity(u32(rows)),
    margin: allocF64(stateRows, shared),
    label: allocF64(stateRows, shared),
  };
}

function makeArrays(bins: BinnedMatrix, nBins: Int32Array, shared: boolean, positionState: boolean): SharedArrays {
  const { rows, nFeatures } = bins;
  const stateRows = positionState ? rows : 0;
  const otherBins = shared
    ? new Uint32Array(new SharedArrayBuffer(Math.max(4, bins.data.length * 4)))
    : new Uint32Array(bins.data.length);
  return {
    rows,
    nFeatures,
    sets: [makeRowSet(bins.data, rows, shared, stateRows), makeRowSet(otherBins, rows, shared, stateRows)],
    current: shared ? new Int32Array(new SharedArrayBuffer(4)) : new Int32Array(1),
    hist: allocF64(INITIAL_SLOTS * nFeatures * SLOT_STRIDE_PER_FEATURE, shared),
    nBins,
  };
}

function slotCount(a: SharedArrays): number {
  return a.hist.length / Math.max(1, a.nFeatures * SLOT_STRIDE_PER_FEATURE);
}

function grownHist(a: SharedArrays, slots: number, shared: boolean): Float64Array | undefined {
  const have = slotCount(a);
  if (have >= slots) return undefined;
  let next = have;
  while (next < slots) next *= 2;
  const hist = allocF64(next * a.nFeatures * SLOT_STRIDE_PER_FEATURE, shared);
  hist.set(a.hist);
  return hist;
}

class LocalBackend implements HistBackend {
  readonly workers = 0;
  readonly order: RowOrder;
  constructor(
    readonly arrays: SharedArrays,
    private readonly rules: SplitRules,
  ) {
    this.order = new RowOrder(arrays);
  }
  partition(jobs: Int32Array): Promise<Int32Array> {
    const plan = planPartition(jobs, this.arrays.rows, 1);
    const { nLeft, dest } = placeSegments(jobs, plan, [countSegments(this.arrays, plan.segments[0])]);
    scatterSegments(this.arrays, plan.segments[0], dest[0], plan.copies[0]);
    this.arrays.current[0] = 1 - this.arrays.current[0];
    return Promise.resolve(nLeft);
  }
  ensureSlots(slots: number): void {
    const h = grownHist(this.arrays, slots, false);
    if (h) this.arrays.hist = h;
  }
  run(task: HistTask, treeFeatures: Int32Array): Promise<Float64Array> {
    return Promise.resolve(runHistTask(this.arrays, this.rules, task, shareOut(treeFeatures, 1)[0]));
  }
  async close(): Promise<void> {}
}

class ThreadedBackend implements HistBackend {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (reply: Float64Array | Int32Array) => void; reject: (e: Error) => void }
  >();
  private failure: Error | undefined;
  readonly order: RowOrder;

  constructor(
    readonly arrays: SharedArrays,
    private readonly rules: SplitRules,
    private readonly pool: Worker[],
  ) {
    this.order = new RowOrder(arrays);
    for (const w of pool) {
      w.on('message', (m: FromWorker) => {
        if (m.type === 'done' || m.type === 'counted') {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          p?.resolve(m.type === 'done' ? m.candidates : m.counts);
        } else if (m.type === 'error') this.fail(new Error(`gbdt worker failed: ${m.message}`));
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`gbdt worker exited with code ${code}`));
      });
    }
  }

  get workers(): number {
    return this.pool.length;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  ensureSlots(slots: number): void {
    const h = grownHist(this.arrays, slots, true);
    if (!h) return;
    this.arrays.hist = h;
    for (const w of this.pool) w.postMessage({ type: 'hist', hist: h } satisfies ToWorker);
  }

  private ask<T extends Float64Array | Int32Array>(worker: number, message: (id: number) => ToWorker): Promise<T> {
    const id = this.nextId++;
    const reply = new Promise<T>((resolve, reject) =>
      this.pending.set(id, { resolve: (r) => resolve(r as T), reject }),
    );
    this.pool[worker].postMessage(message(id));
    return reply;
  }

  async run(task: HistTask, treeFeatures: Int32Array): Promise<Float64Array> {
    if (this.failure) throw this.failure;
    const shares = shareOut(treeFeatures, this.pool.length + 1);
    const replies: Promise<Float64Array>[] = [];
    for (let t = 1; t < shares.length; t++) {
      if (shares[t].features.length)
        replies.push(this.ask(t - 1, (id) => ({ type: 'task', id, task, share: shares[t] })));
    }
    const merged = runHistTask(this.arrays, this.rules, task, shares[0]);
    for (const other of await Promise.all(replies)) mergeCandidates(merged, other);
    return merged;
  }

  /** Two parallel phases over equal slices of the level's rows: count lefts, then scatter. */
  async partition(jobs: Int32Array): Promise<Int32Array> {
    if (this.failure) throw this.failure;
    const plan = planPartition(jobs, this.arrays.rows, this.pool.length + 1);
    const asked = plan.segments
      .slice(1)
      .map((segs, w) => this.ask<Int32Array>(w, (id) => ({ type: 'count', id, segs })));
    const counts = [countSegments(this.arrays, plan.segments[0]), ...(await Promise.all(asked))];
    const { nLeft, dest } = placeSegments(jobs, plan, counts);
    const scattered = plan.segments
      .slice(1)
      .map((segs, w) =>
        this.ask<Int32Array>(w, (id) => ({ type: 'scatter', id, segs, dest: dest[w + 1], copies: plan.copies[w + 1] })),
      );
    scatterSegments(this.arrays, plan.segments[0], dest[0], plan.copies[0]);
    await Promise.all(scattered);
    this.arrays.current[0] = 1 - this.arrays.current[0];
    return nLeft;
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.map((w) => w.terminate()));
  }
}

/**
 * A backend for `threads` threads. When the worker file cannot be found or started, it falls
 * back to computing in process (same model, just slower) and says why in `note`.
 */
export async function createBackend(
  bins: BinnedMatrix,
  nBins: Int32Array,
  rules: SplitRules,
  threads: number,
  note: (message: string) => void = () => {},
  positionState = false,
): Promise<HistBackend> {
  const wanted = Math.max(0, Math.min(threads, bins.nFeatures) - 1);
  if (wanted === 0) return new LocalBackend(makeArrays(bins, nBins, false, positionState), rules);
  const entry = findWorkerEntry();
  if (!entry) {
    note('gbdt: worker script not found; training on one thread');
    return new LocalBackend(makeArrays(bins, nBins, false, positionState), rules);
  }
  const arrays = makeArrays(bins, nBins, true, positionState);
  if (!(bins.data.buffer instanceof SharedArrayBuffer))
    throw new Error('gbdt: binned matrix must be shared for threads > 1');
  const pool: Worker[] = [];
  try {
    for (let i = 0; i < wanted; i++) pool.push(startWorker(entry));
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (m: FromWorker): void => {
              if (m.type === 'ready') {
                w.off('message', onMessage);
                w.off('error', reject);
                resolve();
              } else if (m.type === 'error') reject(new Error(m.message));
            };
            w.on('message', onMessage);
            w.once('error', reject);
            // A file that is not our worker never answers: give up rather than hang.
            setTimeout(
              () => reject(new Error(`no answer from ${entry.file} within ${READY_TIMEOUT_MS / 1000} s`)),
              READY_TIMEOUT_MS,
            ).unref();
            const init: ToWorker = {
              type: 'init',
              rows: arrays.rows,
              nFeatures: arrays.nFeatures,
              sets: arrays.sets,
              current: arrays.current,
              hist: arrays.hist,
              nBins,
              rules,
            };
            w.postMessage(init);
          }),
      ),
    );
  } catch (e) {
    await Promise.all(pool.map((w) => w.terminate()));
    note(
      `gbdt: could not start worker threads (${e instanceof Error ? e.message : String(e)}); training on one thread`,
    );
    return new LocalBackend(makeArrays(bins, nBins, false, positionState), rules);
  }
  return new ThreadedBackend(arrays, rules, pool);
}
