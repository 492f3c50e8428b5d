/**
 * Worker thread entry (bundled as dist/gbdt-worker.js). Holds views on the shared binned matrix,
 * gradients and histogram pool, and runs histogram tasks for the features it is given.
 */
import { parentPort } from 'node:worker_threads';
import type { SharedArrays, SplitRules } from './kernel';
import { runHistTask, type FromWorker, type ToWorker } from './task';

const port = parentPort;
if (port) {
  let arrays: SharedArrays | undefined;
  let rules: SplitRules = { lambda: 1, minChildWeight: 1 };
  const send = (m: FromWorker): void => port.postMessage(m);
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'init') {
        arrays = { rows: m.rows, nFeatures: m.nFeatures, bins: m.bins, gh: m.gh, hist: m.hist, nBins: m.nBins };
        rules = m.rules;
        send({ type: 'ready' });
      } else if (m.type === 'hist') {
        if (arrays) arrays.hist = m.hist;
      } else if (m.type === 'task') {
        if (!arrays) throw new Error('gbdt worker: task before init');
        send({ type: 'done', id: m.id, candidates: runHistTask(arrays, rules, m.task, m.share) });
      }
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}
