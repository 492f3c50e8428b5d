/**
 * Test-only phase kinds (prefixed `t_` so they never clash with the real phases being written
 * beside this code). Importing this module registers them once per process.
 */
import { getPhase, registerPhase } from '../../../core/spec/registry';
import { t } from '../../../core/base/schema';
import { emptyResult, type PhaseSpec } from '../../../core/spec/types';

const run = async () => emptyResult();

const specs: PhaseSpec[] = [
  {
    kind: 't_load',
    doc: 'test loader',
    needsInput: false,
    keys: {
      source: { type: t.string(), doc: 'file', required: true },
      timestamp: { type: t.string(), doc: 'column' },
    },
    inputFiles: (config) => [String(config.source)],
    run,
  },
  {
    kind: 't_features',
    doc: 'test features',
    needsInput: true,
    keys: {
      returns: { type: t.string(), doc: 'column' },
      lags: { type: t.list(t.integer({ min: 1 })), doc: 'lags' },
      rolling: {
        type: t.object({ column: { type: t.string(), doc: '' }, windows: { type: t.list(t.integer()), doc: '' } }),
        doc: 'rolling stats',
      },
    },
    run,
  },
  {
    kind: 't_split',
    doc: 'test split',
    needsInput: true,
    keys: {
      train: { type: t.number({ min: 0, max: 1 }), doc: 'fraction' },
      embargo: { type: t.integer(), doc: 'bars' },
    },
    run,
  },
];

for (const s of specs) if (!getPhase(s.kind)) registerPhase(s);
