/**
 * Grows one tree on the rows at positions [0, nSample): depth-wise (all splittable nodes of a level in
 * one parallel task) or leaf-wise (always the leaf with the best gain, up to max_leaves).
 * Only the smaller child's histogram is built; the larger one is parent minus smaller, computed
 * in the parent's slot. Rows are physically partitioned (rows.ts) so each node owns a range of
 * positions.
 */
import type { HistBackend } from './backend';
import { EnsembleBuilder } from './ensemble';
import { CANDIDATE_FIELDS, rowsNow } from './kernel';
import type { GbdtParams } from './params';
import type { SeededRng } from '../rng';
import { PARTITION_FIELDS } from './rows';
import { EVAL_FIELDS } from './task';

/** Splits must reduce the loss by more than this (as xgboost's kRtEps). */
const MIN_GAIN = 1e-6;

export interface GrowInput {
  backend: HistBackend;
  params: GbdtParams;
  cuts: readonly Float64Array[];
  /** Features this tree may use (sorted). */
  treeFeatures: Int32Array;
  nSample: number;
  /** Leaf value multiplier (learning rate, or 1 / trees for a forest). */
  leafScale: number;
  rng: SeededRng;
}

/**
 * A leaf of the finished tree and the position range of its training rows. Leaves from a split
 * at the depth limit are not partitioned (nothing below them needs contiguous rows): they share
 * their parent's range and `split` says which of its rows are theirs.
 */
export interface LeafRange {
  node: number;
  start: number;
  end: number;
  split?: { feature: number; bin: number; defaultLeft: boolean; left: boolean };
}

interface GrowNode {
  id: number;
  depth: number;
  start: number;
  end: number;
  g: number;
  h: number;
  slot: number;
  /** Best split: gain, feature, bin, defaultLeft, leftG, leftH (empty before evaluation). */
  cand: Float64Array;
  /** Set on leaves of an unpartitioned last-level split. */
  routed?: LeafRange['split'];
}

class SlotAllocator {
  private free: number[] = [];
  private next = 0;
  alloc(): number {
    return this.free.pop() ?? this.next++;
  }
  release(slot: number): void {
    if (slot >= 0) this.free.push(slot);
  }
  get high(): number {
    return this.next;
  }
}

export async function growTree(input: GrowInput, tree: EnsembleBuilder): Promise<LeafRange[]> {
  const { backend, params, nSample } = input;
  const a = backend.arrays;
  const slots = new SlotAllocator();
  let g = 0;
  let h = 0;
  const { gh } = rowsNow(a);
  for (let p = 0; p < nSample; p++) {
    g += gh[2 * p];
    h += gh[2 * p + 1];
  }
  const root: GrowNode = {
    id: tree.startTree(),
    depth: 0,
    start: 0,
    end: nSample,
    g,
    h,
    slot: -1,
    cand: new Float64Array(0),
  };
  const canSplit = (depth: number): boolean => params.maxDepth === 0 || depth < params.maxDepth;
  const leaves: GrowNode[] = [];
  const masks = new NodeMasks(input, a.nFeatures);

  /** Build histograms (`builds` as slot, start, end, parentSlot) and evaluate `nodes`. */
  const evaluate = async (builds: number[], nodes: GrowNode[]): Promise<void> => {
    backend.ensureSlots(slots.high);
    masks.reset();
    const evals = new Float64Array(nodes.length * EVAL_FIELDS);
    nodes.forEach((n, k) => evals.set([n.slot, n.g, n.h, masks.draw()], k * EVAL_FIELDS));
    const out = await backend.run({ builds: Int32Array.from(builds), evals, masks: masks.bytes() }, input.treeFeatures);
    nodes.forEach((n, k) => (n.cand = out.subarray(k * CANDIDATE_FIELDS, (k + 1) * CANDIDATE_FIELDS)));
  };

  const splittable = (n: GrowNode): boolean =>
    n.cand.length > 0 && n.cand[1] >= 0 && n.cand[0] > MIN_GAIN && n.cand[0] > params.gamma;

  /**
   * Partition the rows of the nodes about to split (in parallel); rows sent left by each, or -1
   * for a split at the depth limit, whose rows stay where they are.
   */
  const partition = async (nodes: GrowNode[]): Promise<Int32Array> => {
    const moving = nodes.filter((n) => canSplit(n.depth + 1));
    const jobs = new Int32Array(moving.length * PARTITION_FIELDS);
    moving.forEach((n, k) => jobs.set([n.start, n.end, n.cand[1], n.cand[2], n.cand[3]], k * PARTITION_FIELDS));
    const moved = moving.length ? await backend.partition(jobs) : new Int32Array(0);
    let k = 0;
    return Int32Array.from(nodes, (n) => (canSplit(n.depth + 1) ? moved[k++] : -1));
  };

  /** Split `n` (already partitioned), returning its children and queueing the smaller child's histogram build. */
  const split = (n: GrowNode, nLeft: number, builds: number[]): GrowNode[] => {
    const [gain, feature, bin, defaultLeft, gl, hl] = n.cand;
    const cuts = input.cuts[feature];
    const threshold = bin < cuts.length ? cuts[bin] : Infinity;
    const l = tree.split(n.id, feature, threshold, defaultLeft === 1, gain);
    const mid = n.start + nLeft;
    const left: GrowNode = {
      id: l,
      depth: n.depth + 1,
      start: n.start,
      end: mid,
      g: gl,
      h: hl,
      slot: -1,
      cand: new Float64Array(0),
    };
    const right: GrowNode = {
      id: l + 1,
      depth: n.depth + 1,
      start: mid,
      end: n.end,
      g: n.g - gl,
      h: n.h - hl,
      slot: -1,
      cand: new Float64Array(0),
    };
    if (canSplit(n.depth + 1)) {
      const [small, big] = nLeft <= n.end - mid ? [left, right] : [right, left];
      small.slot = slots.alloc();
      big.slot = n.slot;
      builds.push(small.slot, small.start, small.end, n.slot);
    } else {
      slots.release(n.slot);
      const route = { feature, bin, defaultLeft: defaultLeft === 1 };
      for (const c of [left, right]) {
        c.start = n.start;
        c.end = n.end;
        c.routed = { ...route, left: c === left };
      }
      leaves.push(left, right);
    }
    n.slot = -1;
    return canSplit(n.depth + 1) ? [left, right] : [];
  };

  if (!canSplit(0) || nSample === 0) leaves.push(root);
  else {
    root.slot = slots.alloc();
    await evaluate([root.slot, 0, nSample, -1], [root]);
    let leafCount = 1;
    const budget = params.maxLeaves > 0 ? params.maxLeaves : Infinity;
    if (params.growPolicy === 'depthwise') {
      let frontier = [root];
      while (frontier.length) {
        const candidates = frontier.filter(splittable);
        const room = Math.max(0, budget - leafCount);
        const chosen =
          candidates.length > room ? new Set([...candidates].sort(byGain).slice(0, room)) : new Set(candidates);
        const builds: number[] = [];
        const next: GrowNode[] = [];
        const splitting = frontier.filter((n) => chosen.has(n));
        const nLeft = splitting.length ? await partition(splitting) : new Int32Array(0);
        for (const n of frontier) {
          if (chosen.has(n)) {
            next.push(...split(n, nLeft[splitting.indexOf(n)], builds));
            leafCount++;
          } else {
            slots.release(n.slot);
            leaves.push(n);
          }
        }
        if (next.length) await evaluate(builds, next);
        frontier = next;
      }
    } else {
      const open: GrowNode[] = splittable(root) ? [root] : [];
      if (!open.length) leaves.push(root);
      while (open.length && leafCount < budget) {
        open.sort(byGain);
        const n = open.shift() as GrowNode;
        const builds: number[] = [];
        const children = split(n, (await partition([n]))[0], builds);
        leafCount++;
        if (children.length) {
          await evaluate(builds, children);
          for (const c of children) {
            if (splittable(c)) open.push(c);
            else {
              slots.release(c.slot);
              leaves.push(c);
            }
          }
        }
      }
      leaves.push(...open);
    }
  }
  const lambda = params.lambda;
  return leaves.map((n) => {
    tree.value[n.id] = n.h + lambda > 0 ? (-n.g / (n.h + lambda)) * input.leafScale : 0;
    return { node: n.id, start: n.start, end: n.end, ...(n.routed ? { split: n.routed } : {}) };
  });
}

function byGain(x: GrowNode, y: GrowNode): number {
  return y.cand[0] - x.cand[0] || x.id - y.id;
}

/** Per-node feature masks for colsample_bynode (none when it is 1). */
class NodeMasks {
  private buf: number[] = [];
  private count = 0;
  constructor(
    private readonly input: GrowInput,
    private readonly nFeatures: number,
  ) {}
  reset(): void {
    this.buf = [];
    this.count = 0;
  }
  /** Draw a mask for the next node; returns its number, or -1 for "all tree features". */
  draw(): number {
    const frac = this.input.params.colsampleBynode;
    const feats = this.input.treeFeatures;
    if (frac >= 1) return -1;
    const k = Math.max(1, Math.round(frac * feats.length));
    const mask = new Array<number>(this.nFeatures).fill(0);
    for (const i of this.input.rng.choose(feats.length, k)) mask[feats[i]] = 1;
    this.buf.push(...mask);
    return this.count++;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.buf);
  }
}
