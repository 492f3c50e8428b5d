/**
 * Every error-path case of the bad-input tests, run in one real process (as user nobody when the
 * tests run as root): each keeps its exit code and message, and nothing the process prints — the
 * CLI's output, anything written around it, an unhandled rejection — carries a JavaScript stack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCases } from './cases';
import { assertNoStack, assertOutcome } from './harness';
import { runChild } from './spawn';

test('no bad-input case prints a stack (`    at ` / node:internal) or "internal error"', () => {
  const child = runChild();
  assert.equal(child.status, 0, child.raw.slice(-4000));
  assert.equal(child.results.size, allCases.length, `ran ${child.results.size} of ${allCases.length} cases`);
  for (const c of allCases) assertOutcome(c, { ...child.results.get(c.id)!, dir: '' });
  assertNoStack('all cases', child.raw);
  assert.doesNotMatch(child.raw, /internal error/);
});
