// Fixture data for the webview tests, encoded exactly as the kernel and the host send it
// (Arrow IPC streams; base64 inside the chart mime).
import { Table, tableFromArrays, tableToIPC, type Vector } from 'apache-arrow';
import type { ChartSpec } from '../../../core/charts/types';
import type { ChartMimePayload } from '../../../core/kernel/mimes';
import type { RunPayload } from '../../../extension/dashboard/protocol';

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export function ipc(
  cols: Record<string, Float64Array | Int32Array | string[] | (string | null)[] | boolean[] | number[]>,
): Uint8Array {
  return tableToIPC(tableFromArrays(cols as never) as unknown as Table, 'stream');
}

export function ipcVectors(cols: Record<string, Vector>): Uint8Array {
  return tableToIPC(new Table(cols), 'stream');
}

export function chartMime(chart: ChartSpec): ChartMimePayload {
  const data: Record<string, string> = {};
  for (const [name, cols] of Object.entries(chart.data)) {
    const plain: Record<string, Float64Array | string[]> = {};
    for (const [k, c] of Object.entries(cols))
      plain[k] = ArrayBuffer.isView(c)
        ? Float64Array.from(c as ArrayLike<number>)
        : typeof (c as unknown[])[0] === 'number'
          ? Float64Array.from(c as number[])
          : ((c as unknown[]).map((v) => (v === null ? null : String(v))) as string[]);
    data[name] = Buffer.from(ipc(plain)).toString('base64');
  }
  return { id: chart.id, title: chart.title, spec: chart.spec, data };
}

/** A binary classifier's predictions: y_true, y_prob (informative), timestamp. */
export function classifierPredictions(n: number, seed: number, skill = 0.35): Uint8Array {
  const rnd = seeded(seed);
  const y = Float64Array.from({ length: n }, () => (rnd() < 0.45 ? 1 : 0));
  const p = Float64Array.from(y, (v) => Math.min(1, Math.max(0, skill * v + rnd() * (1 - skill))));
  return ipc({ y_true: y, y_prob: p });
}

export function regressionPredictions(n: number, seed: number, noise: number): Uint8Array {
  const rnd = seeded(seed);
  const y = Float64Array.from({ length: n }, () => rnd() * 2 - 1);
  return ipc({ y_true: y, y_pred: Float64Array.from(y, (v) => v * 0.8 + (rnd() - 0.5) * noise) });
}

export function runPayload(patch: Partial<RunPayload> & Pick<RunPayload, 'id'>): RunPayload {
  return {
    dir: `/work/runs/${patch.id}`,
    kind: 'training',
    status: 'complete',
    created: '2025-12-28T14:30:25.789Z',
    finished: '2025-12-28T14:31:02.001Z',
    foreign: false,
    metrics: {},
    config: {},
    meta: {},
    lineage: {},
    artifacts: [],
    frames: {},
    notes: [],
    ...patch,
  };
}
