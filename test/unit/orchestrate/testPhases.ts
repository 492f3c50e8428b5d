/**
 * Cheap test-only phase kinds (prefixed `o_`) for the executor tests; pool workers load this file
 * through the session's `preload` option, so both sides know them.
 */
import pl from 'nodejs-polars';
import { join } from 'node:path';
import { getPhase, registerPhase } from '../../../core/spec/registry';
import { t } from '../../../core/base/schema';
import { emptyResult, type PhaseSpec } from '../../../core/spec/types';

export const TEST_PHASES = __filename;

const FACTOR: Record<string, number> = { double: 2, triple: 3, half: 0.5 };

const specs: PhaseSpec[] = [
  {
    kind: 'o_src',
    doc: 'reads a csv with a column x',
    needsInput: false,
    keys: { path: { type: t.string(), doc: 'csv', required: true } },
    inputFiles: (c) => [String(c.path)],
    async run(c, _in, ctx) {
      const frame = pl.readCSV(join(ctx.baseDir, String(c.path)), { dtypes: { x: pl.Float64 } });
      return emptyResult({
        dataset: { frame, features: ['x'], labels: [], sources: [String(c.path)] },
        summary: { rows: frame.height },
      });
    },
  },
  {
    kind: 'o_scale',
    doc: 'multiplies x by the scenario factor',
    needsInput: true,
    keys: {
      scenario: { type: t.string(Object.keys(FACTOR)), doc: 'factor name', required: true },
      fail: { type: t.boolean(), doc: 'throw' },
    },
    async run(c, inputs) {
      if (c.fail) throw new Error('o_scale failed on purpose');
      const d = inputs[0].dataset!;
      return emptyResult({
        dataset: { ...d, frame: d.frame.withColumns(pl.col('x').mul(FACTOR[String(c.scenario)]).alias('x')) },
        summary: { pid: process.pid },
      });
    },
  },
  {
    kind: 'o_fit',
    doc: 'reports a metric per model',
    needsInput: true,
    keys: {
      model: { type: t.string(), doc: 'mean or max', required: true },
      crash_above: { type: t.number(), doc: 'kill the (worker) process when the score is above this' },
      wait: { type: t.boolean(), doc: 'wait for cancel' },
    },
    async run(c, inputs, ctx) {
      if (c.wait)
        await new Promise<void>((ok) => {
          const tick = setInterval(() => {
            if (ctx.signal.aborted) {
              clearInterval(tick);
              ok();
            }
          }, 20);
        });
      const x = inputs[0].dataset!.frame.getColumn('x');
      const v = c.model === 'max' ? Number(x.max()) : Number(x.mean());
      if (typeof c.crash_above === 'number' && v > c.crash_above && process.env.PHASEBOOK_WORKER === '1')
        process.exit(7);
      return emptyResult({
        dataset: inputs[0].dataset,
        metrics: { score: v, score_ci_low: v - 1, score_ci_high: v + 1 },
        summary: { pid: process.pid },
      });
    },
  },
];

for (const s of specs) if (!getPhase(s.kind)) registerPhase(s);
