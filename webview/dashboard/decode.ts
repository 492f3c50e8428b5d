/** A run payload (JSON + Arrow IPC frames) as the chart input core/charts expects. */
import type { RunChartInput } from '../../core/charts/runCharts';
import type { RunPayload } from '../../extension/dashboard/protocol';
import { ipcToColumns } from '../chart/arrowData';

function bytes(b: Uint8Array | ArrayBuffer | undefined): Uint8Array | undefined {
  if (!b) return undefined;
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

export function runChartInput(run: RunPayload): RunChartInput {
  const predictions = bytes(run.frames.predictions);
  const equity = bytes(run.frames.equity);
  const eq = equity ? ipcToColumns(equity) : undefined;
  return {
    id: run.id,
    kind: run.kind,
    metrics: run.metrics,
    cvResults: run.cv ? { primary_metric: run.cv.primary_metric, folds: run.cv.folds } : undefined,
    predictions: predictions ? ipcToColumns(predictions) : undefined,
    metaWeights: run.metaWeights,
    equity:
      eq && eq.x && eq.equity
        ? {
            x: eq.x as ArrayLike<number>,
            equity: eq.equity as ArrayLike<number>,
            group: eq.group as string[] | undefined,
            temporal: run.equityTemporal !== false,
          }
        : undefined,
  };
}
