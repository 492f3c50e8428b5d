import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { UserError } from '../../../core/errors';
import { validateOutputName } from '../../../core/runs/name';

function rejection(name: string): UserError {
  try {
    validateOutputName(name);
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError for ${JSON.stringify(name)}`);
    return e;
  }
  assert.fail(`${JSON.stringify(name)} was accepted`);
}

test('ordinary run names are accepted', () => {
  for (const n of [
    'xgb_tuned_v1',
    'run-2024.01',
    'Résumé 2',
    'β_sweep',
    '20251228_143025_789456_a3f9',
    'a'.repeat(128),
  ]) {
    assert.doesNotThrow(() => validateOutputName(n), n);
  }
});

test('names that are not one safe path segment are refused, naming output_name and the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /whitespace/],
    ['../escape', /separator|\.\./],
    ['..', /'\.\.'/],
    ['a/b', /separator/],
    ['a\\b', /separator/],
    ['.hidden', /starts with a dot/],
    ['nul\0byte', /NUL/],
    ['tab\there', /control/],
    ['line\nbreak', /control/],
    ['CON', /reserved/],
    ['lpt1.txt', /reserved/],
    ['com3', /reserved/],
    ['C:drive', /not allowed/],
    ['what?', /not allowed/],
    ['trailing.', /ends with/],
    ['trailing ', /ends with/],
    ['x'.repeat(129), /longer than 128/],
    ['é'.repeat(128 + 1), /longer/],
  ];
  for (const [name, reason] of cases) {
    const e = rejection(name);
    assert.equal(e.location.key, 'output_name', name);
    assert.match(e.message, /^invalid output_name /);
    assert.match(e.message, reason, `${JSON.stringify(name)}: ${e.message}`);
  }
});

// Strings built from the characters that make paths dangerous, plus arbitrary unicode.
const risky = fc.oneof(
  fc.fullUnicodeString({ maxLength: 40 }),
  fc.stringOf(
    fc.constantFrom('.', '/', '\\', ':', '\0', ' ', 'a', 'b', 'C', 'O', 'N', '~', '\u202e', '\n', '%', '2', 'f'),
    { maxLength: 12 },
  ),
);

test('no accepted name escapes its root: it resolves to a direct child with the same name', () => {
  const root = resolve('/srv/phasebook/runs');
  fc.assert(
    fc.property(risky, (name) => {
      let ok = true;
      try {
        validateOutputName(name);
      } catch {
        ok = false;
      }
      if (!ok) return;
      const p = resolve(root, name);
      assert.equal(dirname(p), root, JSON.stringify(name));
      assert.equal(basename(p), name, JSON.stringify(name));
    }),
    { numRuns: 3000, seed: 20251228 },
  );
});

test('accepted names create exactly one folder inside the root on a real file system', () => {
  const base = mkdtempSync(join(tmpdir(), 'pb-names-'));
  const root = join(base, 'root');
  mkdirSync(root);
  try {
    const names = fc.sample(risky, { numRuns: 400, seed: 7 }).filter((n) => {
      try {
        validateOutputName(n);
        return true;
      } catch {
        return false;
      }
    });
    const unique = [...new Set(names)];
    assert.ok(unique.length > 50, `only ${unique.length} generated names were accepted`);
    for (const n of unique) mkdirSync(join(root, n));
    assert.deepEqual(readdirSync(root).sort(), unique.sort());
    assert.deepEqual(readdirSync(base), ['root']);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
