import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyAt, positionContext } from '../../../extension/notebook/yamlContext';

test('typing at the start of a line asks for a top-level key, knowing the keys already written', () => {
  const text = 'returns: close\nla\nrolling: { column: ret }';
  assert.deepEqual(positionContext(text, 1, 2), {
    type: 'key',
    path: [],
    prefix: 'la',
    siblings: ['returns', 'rolling'],
  });
});

test('an indented line under `key:` asks for a key of that mapping', () => {
  const text = 'dates:\n  val: 2024-01-01\n  te\nembargo: 5';
  const ctx = positionContext(text, 2, 4);
  assert.equal(ctx.type, 'key');
  assert.deepEqual(ctx.type === 'key' && ctx.path, ['dates']);
  assert.deepEqual(ctx.type === 'key' && ctx.siblings, ['val']);
});

test('after `key: ` the value of that key is asked for, also inside a flow list', () => {
  assert.deepEqual(positionContext('from: pri', 0, 9), {
    type: 'value',
    path: [],
    key: 'from',
    prefix: 'pri',
    inList: false,
  });
  assert.deepEqual(positionContext('from: [prices, fea', 0, 18), {
    type: 'value',
    path: [],
    key: 'from',
    prefix: 'fea',
    inList: true,
  });
});

test('a list item under `key:` is an item of that key (a value, or a key of a mapping in the list)', () => {
  assert.deepEqual(positionContext('from:\n  - pri', 1, 7), {
    type: 'item',
    path: [],
    key: 'from',
    prefix: 'pri',
    siblings: [],
  });
  const nested = positionContext('rolling:\n  - column: ret\n    windows: [7]\n  - col', 3, 7);
  assert.deepEqual(nested, { type: 'item', path: [], key: 'rolling', prefix: 'col', siblings: [] });
});

test('comments and the marker line are recognised', () => {
  assert.deepEqual(positionContext('# a comment', 0, 5), { type: 'none' });
  assert.deepEqual(positionContext('# %% fea', 0, 8), { type: 'marker', prefix: 'fea' });
});

test('keyAt finds the key under the cursor with its parents, and nothing on a value', () => {
  const text = 'dates:\n  test: 2024-06-01';
  assert.deepEqual(keyAt(text, 1, 4), { path: ['dates'], key: 'test', start: 2, end: 6 });
  assert.equal(keyAt(text, 1, 12), undefined);
});
