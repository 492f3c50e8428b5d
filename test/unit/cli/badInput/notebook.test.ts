import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { notebookCases } from './notebookCases';
import { assertOutcome, checkCase, runInProcess, writeProject } from './harness';

for (const c of notebookCases)
  test(`notebook diagnostics: ${c.id}`, async () => {
    await checkCase(c);
  });

test('a notebook with a cycle records no pipeline run and writes no cell output', async () => {
  const c = notebookCases[0];
  const dir = writeProject(c);
  try {
    assertOutcome(c, await runInProcess(c, dir));
    assert.equal(existsSync(join(dir, 'runs')), false, 'no runs/ folder: no pipeline run was recorded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
