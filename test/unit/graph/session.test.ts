import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { registerPhase, getPhase } from '../../../core/spec/registry';
import { emptyResult } from '../../../core/spec/types';
import { t } from '../../../core/base/schema';
import { UserError, ExitCode } from '../../../core/errors';
import { PipelineSession } from '../../../core/engine/session';
import type { ExecutionEvent } from '../../../core/graph/events';
import { silentLogger } from '../../../core/log';

// Test-only phases: a CSV source, a doubler that counts its calls, and one that fails on demand.
const calls: Record<string, number> = {};
if (!getPhase('s_src')) {
  registerPhase({
    kind: 's_src',
    doc: 'reads a csv',
    keys: { path: { type: t.string(), doc: 'csv path' } },
    needsInput: false,
    inputFiles: (c: { path: string }) => [c.path],
    async run(c: { path: string }, _in, ctx) {
      calls.src = (calls.src ?? 0) + 1;
      const frame = pl.readCSV(join(ctx.baseDir, c.path));
      return emptyResult({
        dataset: { frame, features: ['x'], labels: [], sources: [c.path] },
        summary: { rows: frame.height },
      });
    },
  });
  registerPhase({
    kind: 's_double',
    doc: 'doubles x',
    keys: { factor: { type: t.number(), doc: 'multiplier' } },
    needsInput: true,
    async run(c: { factor?: number }, inputs, ctx) {
      calls[ctx.cell.name] = (calls[ctx.cell.name] ?? 0) + 1;
      const d = inputs[0].dataset!;
      const frame = d.frame.withColumns(
        pl
          .col('x')
          .mul(c.factor ?? 2)
          .alias('x'),
      );
      return emptyResult({ dataset: { ...d, frame }, summary: { sum: frame.getColumn('x').sum() } });
    },
  });
  registerPhase({
    kind: 's_check',
    doc: 'fails when x exceeds max',
    keys: { max: { type: t.number(), doc: 'limit' } },
    needsInput: true,
    async run(c: { max: number }, inputs) {
      const top = inputs[0].dataset!.frame.getColumn('x').max() as number;
      if (top > c.max) throw new UserError(`x reaches ${top}, above max`, { key: 'max' }, [], ExitCode.Validation);
      return emptyResult({ dataset: inputs[0].dataset });
    },
  });
}

function setup(nb: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pb-session-'));
  writeFileSync(join(dir, 'a.csv'), 'x\n1\n2\n3\n');
  const path = join(dir, 'nb.pipeline');
  writeFileSync(path, nb);
  return { dir, path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const NB = '# %% s_src src\npath: a.csv\n\n# %% s_double d1\nfactor: 2\n\n# %% s_double d2\nfactor: 10\n';

test('a second run of an unchanged notebook is served from the cache, not recomputed', async () => {
  const { path, cleanup } = setup(NB);
  try {
    const s = new PipelineSession(NB, { notebookPath: path, log: silentLogger });
    const first = await s.run();
    assert.deepEqual(
      first.outcomes.map((o) => o.status),
      ['ok', 'ok', 'ok'],
    );
    assert.equal(first.outcomes[2].result?.summary.sum, 120);
    const before = calls.d2;
    const second = await s.run({ cells: ['d2'] });
    assert.deepEqual(
      second.outcomes.map((o) => [o.cell, o.status]),
      [['d2', 'cached']],
    );
    assert.equal(calls.d2, before);
    // A fresh session (a reopened notebook) restores outputs from disk without running.
    const again = new PipelineSession(NB, { notebookPath: path, log: silentLogger });
    const restored = await again.restore();
    assert.deepEqual([...restored.keys()], ['src', 'd1', 'd2']);
    assert.equal(restored.get('d2')?.summary.sum, 120);
    assert.equal(calls.d2, before);
  } finally {
    cleanup();
  }
});

test('editing a cell makes it and its descendants stale, and running a child runs its stale parent first', async () => {
  const { path, cleanup } = setup(NB);
  try {
    const s = new PipelineSession(NB, { notebookPath: path, log: silentLogger, diskCache: false });
    await s.run();
    const stale = await s.update(NB.replace('factor: 2', 'factor: 3'));
    assert.deepEqual(stale, ['d1', 'd2']);
    const events: ExecutionEvent[] = [];
    const r = await s.run({ cells: ['d2'], onEvent: (e) => events.push(e) });
    assert.deepEqual(
      events.filter((e) => e.type === 'queued').map((e) => (e as { cell: string }).cell),
      ['d1', 'd2'],
    );
    assert.equal(r.outcomes[1].result?.summary.sum, 180);
    assert.deepEqual(await s.staleCells(), []);
  } finally {
    cleanup();
  }
});

test('touching the CSV a loader reads makes the loader and everything downstream stale', async () => {
  const { dir, path, cleanup } = setup(NB);
  try {
    const s = new PipelineSession(NB, { notebookPath: path, log: silentLogger, diskCache: false });
    await s.run();
    writeFileSync(join(dir, 'a.csv'), 'x\n1\n2\n4\n');
    assert.deepEqual(await s.staleCells(), ['src', 'd1', 'd2']);
  } finally {
    cleanup();
  }
});

test(
  'a failing cell names the notebook line of its key; ' +
    'its descendants are skipped; exit code 2 for ' +
    'validation',
  async () => {
    const nb = '# %% s_src src\npath: a.csv\n\n# %% s_check check\nmax: 2\n\n# %% s_double after\n';
    const { path, cleanup } = setup(nb);
    try {
      const s = new PipelineSession(nb, { notebookPath: path, log: silentLogger, diskCache: false });
      const r = await s.run();
      assert.equal(r.exitCode, 2);
      const check = r.outcomes.find((o) => o.cell === 'check')!;
      assert.equal(check.status, 'failed');
      assert.equal(check.error?.message, 'x reaches 3, above max');
      assert.equal(check.error?.location.line, 5);
      assert.equal(check.error?.location.key, 'max');
      assert.equal(check.error?.stack, undefined);
      const after = r.outcomes.find((o) => o.cell === 'after')!;
      assert.equal(after.status, 'skipped');
      assert.match(after.error!.message, /upstream cell 'check' failed/);
    } finally {
      cleanup();
    }
  },
);

test('a ts cell transforms its upstream frame', async () => {
  const nb =
    '# %% s_src src\npath: a.csv\n\n# %% ts plus_one\n// from: src\nexport default function (inputs: any, { ' +
    'pl }: any) {\n  return inputs.src.withColumns(pl.col("x").add(1).alias("y"));\n}\n';
  const { path, cleanup } = setup(nb);
  try {
    const s = new PipelineSession(nb, { notebookPath: path, log: silentLogger, diskCache: false });
    const r = await s.run();
    assert.equal(r.ok, true, JSON.stringify(r.outcomes.map((o) => o.error)));
    assert.deepEqual([...s.lastResult('plus_one')!.dataset!.frame.getColumn('y')], [2, 3, 4]);
  } finally {
    cleanup();
  }
});

test('a fresh session asked for a cached cell restores only that cell, not its ancestors', async () => {
  const { path, cleanup } = setup(NB);
  try {
    await new PipelineSession(NB, { notebookPath: path, log: silentLogger }).run();
    const reopened = new PipelineSession(NB, { notebookPath: path, log: silentLogger });
    const r = await reopened.run({ cells: ['d2'] });
    assert.deepEqual(
      r.outcomes.map((o) => [o.cell, o.status]),
      [['d2', 'cached']],
    );
    assert.equal(reopened.lastResult('src'), undefined);
    // Forcing the cell recomputes it, which does need its ancestors (restored from disk, not rerun).
    const before = calls.src;
    const forced = await reopened.run({ cells: ['d2'], force: true });
    assert.deepEqual(
      forced.outcomes.map((o) => [o.cell, o.status]),
      [
        ['src', 'cached'],
        ['d1', 'cached'],
        ['d2', 'ok'],
      ],
    );
    assert.equal(calls.src, before);
  } finally {
    cleanup();
  }
});

test(
  'fixing an error clears it: a failed cell whose config changed is stale; undoing the edit revives the cached ' +
    'results; run-stale includes failed and blocked cells',
  async () => {
    const good = '# %% s_src src\npath: a.csv\n\n# %% s_check check\nmax: 5\n\n# %% s_double after\n';
    const { path, cleanup } = setup(good);
    try {
      const s = new PipelineSession(good, { notebookPath: path, log: silentLogger });
      assert.ok((await s.run()).ok);
      const before = calls.after ?? 0;
      await s.update(good.replace('max: 5', 'max: 2'));
      const broken = await s.run();
      assert.deepEqual(
        broken.outcomes.map((o) => [o.cell, o.status]),
        [
          ['src', 'cached'],
          ['check', 'failed'],
          ['after', 'skipped'],
        ],
      );
      assert.equal(broken.outcomes[2]!.error?.blockedBy, 'check', 'the blocked cell names what it waits for');
      assert.deepEqual(await s.staleCells(), [], 'nothing changed since the failure');
      assert.deepEqual(await s.cellsToRerun(), ['check', 'after'], 'run-stale reruns the failed and the blocked cell');
      // Another edit of the failed cell: it is stale, though it has no good result.
      await s.update(good.replace('max: 5', 'max: 1'));
      assert.deepEqual(await s.staleCells(), ['check', 'after']);
      assert.deepEqual([...(await s.revive()).keys()], [], 'no cached result for max: 1');
      // Back to the config that ran: both results come back without running anything.
      await s.update(good);
      const revived = await s.revive();
      assert.deepEqual([...revived.keys()], ['check', 'after']);
      assert.equal(calls.after ?? 0, before, 'reviving ran nothing');
      assert.deepEqual(await s.staleCells(), []);
      assert.deepEqual(await s.cellsToRerun(), [], 'nothing to run');
      assert.ok(
        revived.get('after')?.ran?.durationMs !== undefined,
        'a cached result knows how long it took to compute',
      );
    } finally {
      cleanup();
    }
  },
);
