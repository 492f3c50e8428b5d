import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localIds } from '../../../core/reports/svg';

test("a figure's gradient ids are numbered per document, not by what the process drew before", () => {
  const later =
    '<path fill="url(#gradient_2)"/><linearGradient id="gradient_2"/><path ' +
    'fill="url(#gradient_3)"/><linearGradient id="gradient_3"/>';
  assert.equal(
    localIds(later),
    '<path fill="url(#gradient_0)"/><linearGradient id="gradient_0"/><path ' +
      'fill="url(#gradient_1)"/><linearGradient id="gradient_1"/>',
  );
  assert.equal(localIds(localIds(later)), localIds(later));
});
