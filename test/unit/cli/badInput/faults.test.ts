import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultCases, permissionCaseIds } from './faultCases';
import { assertOutcome, checkCase } from './harness';
import { runChild } from './spawn';

for (const c of faultCases.filter((x) => !permissionCaseIds.includes(x.id)))
  test(`user faults: ${c.id}`, async () => {
    await checkCase(c);
  });

test('unreadable files (EACCES, as a non-root user) name the file and the cause', () => {
  const child = runChild(permissionCaseIds);
  for (const c of faultCases.filter((x) => permissionCaseIds.includes(x.id))) {
    const r = child.results.get(c.id);
    assert.ok(r, `${c.id} did not run:\n${child.raw}`);
    assertOutcome(c, { ...r, dir: '' });
  }
});
