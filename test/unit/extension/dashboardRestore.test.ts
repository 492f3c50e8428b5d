// Dashboards and compare tabs come back after a window reload: the state their webview saved
// names the run folders; anything else closes the restored panel instead of leaving it blank.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { restoredPanel } from '../../../extension/dashboard/restore';

test('a restored dashboard shows its one run, a compare tab its runs; bad state restores nothing', () => {
  assert.deepEqual(restoredPanel('phasebook.dashboard', { mode: 'run', dirs: ['/r/a'] }), {
    mode: 'run',
    dirs: ['/r/a'],
  });
  assert.deepEqual(restoredPanel('phasebook.compare', { dirs: ['/r/a', '/r/b'] }), {
    mode: 'compare',
    dirs: ['/r/a', '/r/b'],
  });
  assert.equal(restoredPanel('phasebook.compare', { dirs: ['/r/a'] }), undefined);
  assert.equal(restoredPanel('phasebook.dashboard', { dirs: ['/r/a', '/r/b'] }), undefined);
  assert.equal(restoredPanel('phasebook.dashboard', undefined), undefined);
  assert.equal(restoredPanel('phasebook.dashboard', { dirs: [3] }), undefined);
  assert.equal(restoredPanel('other.view', { dirs: ['/r/a'] }), undefined);
});
