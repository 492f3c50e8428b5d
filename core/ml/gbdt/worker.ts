/**
 * Worker thread entry (bundled as dist/gbdt-worker.js). Holds views on the shared binned matrix,
 * gradients, row order and histogram pool; runs histogram tasks for the features it is given and
 * partitions the nodes it is given.
 */
import { parentPort } from 'node:worker_threads';
import type { SharedArrays, SplitRules } from './kernel';
import { countSegments, scatterSegments } from './rows';
import { runHistTask, type FromWorker, type ToWorker } from './task';

const port = parentPort;
if (port) {
  let arrays: SharedArrays | undefined;
  let rules: SplitRules = { lambda: 1, minChildWeight: 1 };
  const send = (m: FromWorker): void => port.postMessage(m);
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'init') {
        arrays = {
          rows: m.rows,
          nFeatures: m.nFeatures,
          sets: m.sets,
          current: m.current,
          hist: m.hist,
          nBins: m.nBins,
        };
        rules = m.rules;
        send({ type: 'ready' });
      } else if (m.type === 'hist') {
        if (arrays) arrays.hist = m.hist;
      } else if (m.type === 'task') {
        if (!arrays) throw new Error('gbdt worker: task before init');
        send({ type: 'done', id: m.id, candidates: runHistTask(arrays, rules, m.task, m.share) });
      } else if (m.type === 'count') {
        if (!arrays) throw new Error('gbdt worker: count before init');
        send({ type: 'counted', id: m.id, counts: countSegments(arrays, m.segs) });
      } else if (m.type === 'scatter') {
        if (!arrays) throw new Error('gbdt worker: scatter before init');
        scatterSegments(arrays, m.segs, m.dest, m.copies);
        send({ type: 'counted', id: m.id, counts: new Int32Array(0) });
      }
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}
