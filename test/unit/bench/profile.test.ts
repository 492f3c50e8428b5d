// CPU profile summaries in results.md: self time goes to the function on top of the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selfTimes } from '../../../bench/lib/profile.mjs';

test('self time is attributed to the sampled (innermost) function and merged by name and place', () => {
  const frame = (functionName: string, lineNumber: number) => ({
    functionName,
    url: 'file:///work/dist/bench-pipeline.js',
    lineNumber,
  });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', 0) },
      { id: 2, callFrame: frame('purgedKFold', 9) },
      { id: 3, callFrame: frame('drawIid', 41) },
      { id: 4, callFrame: frame('drawIid', 41) }, // same function reached through another caller
    ],
    samples: [2, 3, 3, 4, 2],
    timeDeltas: [0, 1000, 2000, 1000, 3000],
  };
  const { total, functions } = selfTimes(profile);
  // Each sample lasts until the next one: 1 + 2 + 1 + 3 ms, the last sample reuses its own delta.
  assert.equal(total, 10);
  assert.deepEqual(
    functions.map((f) => [f.name, f.where, f.selfMs]),
    [
      ['purgedKFold', 'bench-pipeline.js:10', 4],
      ['drawIid', 'bench-pipeline.js:42', 6],
    ].sort((a, b) => (b[2] as number) - (a[2] as number)),
  );
});
