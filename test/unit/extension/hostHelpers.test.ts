import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../../../core/runs/scan';
import { horizonChoices, metaLearnerChoices, oneLine } from '../../../extension/codelens/stackingChoices';
import { cliCommandLine, quoteArg } from '../../../extension/commands/shellLine';
import { runItemView } from '../../../extension/explorer/runItems';
import { formatLogRecord } from '../../../extension/base/logFormat';

function run(patch: Partial<RunSummary>): RunSummary {
  return {
    id: 'r',
    kind: 'training',
    status: 'complete',
    created: '2025-01-02T03:04:05.000Z',
    dir: '/w/runs/r',
    metrics: {},
    foreign: false,
    ...patch,
  };
}

test('terminal command lines quote paths with spaces and quotes for POSIX shells and PowerShell', () => {
  assert.equal(quoteArg('/a/b.pipeline', 'linux'), '/a/b.pipeline');
  assert.equal(quoteArg("/my dir/it's.pipeline", 'linux'), `'/my dir/it'\\''s.pipeline'`);
  assert.equal(
    cliCommandLine('/usr/bin/node', '/ext/dist/cli.js', ['run', '/w/a b.pipeline'], 'linux'),
    "/usr/bin/node /ext/dist/cli.js run '/w/a b.pipeline'",
  );
  assert.equal(
    cliCommandLine('C:\\node.exe', 'C:\\ext\\cli.js', ['run', 'x.pipeline'], 'win32'),
    '& "C:\\node.exe" "C:\\ext\\cli.js" "run" "x.pipeline"',
  );
});

test('stacking choices put the defaults first and still offer a default horizon the run lacks', () => {
  assert.deepEqual(
    horizonChoices([20, 5, 10], 10).map((h) => h.horizon),
    [10, 5, 20],
  );
  const missing = horizonChoices([5, 20], 30);
  assert.deepEqual(
    missing.map((h) => h.horizon),
    [30, 5, 20],
  );
  assert.match(missing[0]!.note ?? '', /not in this run/);
  assert.deepEqual(metaLearnerChoices('ridge'), ['ridge', 'logistic', 'gbdt']);
  assert.equal(
    oneLine('Stacking dataset not found for H30\nExpected: /x\n\nAvailable horizons: [5, 20]'),
    'Stacking dataset not found for H30 — Expected: /x — Available horizons: [5, 20]',
  );
});

test(
  'a run row is labelled by kind, horizons and key metric; status and created time follow; the tooltip starts ' +
    'with the id and lists horizons and the error',
  () => {
    const v = runItemView(
      run({
        kind: 'cv',
        status: 'failed',
        keyMetric: { name: 'roc_auc h5 gbdt', value: 0.61234 },
        horizons: [5, 20],
        error: 'boom',
      }),
    );
    assert.equal(v.label, 'cv h5,h20 · roc_auc h5 gbdt 0.6123');
    assert.match(v.description, /^failed · \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    assert.match(v.tooltip, /horizons: 5, 20/);
    assert.match(v.tooltip, /error: boom/);
    assert.equal(v.icon.id, 'error');
    assert.match(v.contextValue, /\brun-cv\b/);
  },
);

test('kernel log lines name the notebook, the cell and extra fields', () => {
  assert.equal(
    formatLogRecord({ ts: 't', level: 'info', msg: 'loaded', cell: 'prices', rows: 3 }, 'demo.pipeline'),
    "[demo.pipeline cell 'prices'] loaded rows=3",
  );
});
