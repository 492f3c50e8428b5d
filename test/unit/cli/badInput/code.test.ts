import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { codeCases } from './codeCases';
import { checkCase, runInProcess, writeProject, type BadInputCase } from './harness';

for (const c of codeCases)
  test(`code gate: ${c.id}`, async () => {
    await checkCase(c);
  });

async function runWith(c: BadInputCase): Promise<{ code: number; out: string; err: string }> {
  const dir = writeProject(c);
  try {
    return await runInProcess(c, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  'with --allow-code, or PHASEBOOK_ALLOW_CODE=1, the ' + 'ts cell runs and the CLI says it is arbitrary code',
  async () => {
    const base = codeCases[0]!;
    for (const c of [
      { ...base, args: [...base.args, '--allow-code'] },
      { ...base, env: { PHASEBOOK_ALLOW_CODE: '1' } },
    ]) {
      const r = await runWith(c);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /✓ extra/);
      assert.match(r.err, /note: running ts cell 'extra': a ts cell is arbitrary TypeScript/);
    }
  },
);

test('a notebook without ts cells needs no flag and prints no note', async () => {
  const r = await runWith({ ...codeCases[0]!, files: { 'nb.pipeline': '# %% load prices\nsource: data.csv\n' } });
  assert.equal(r.code, 0, r.out + r.err);
  assert.doesNotMatch(r.err, /arbitrary/);
});
