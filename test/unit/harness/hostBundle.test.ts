import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { findHostSuites, hostEntrySource } from '../../harness/bundleHostTests';
import { stackMapperFor } from '../../harness/stackMap';

const scratch = mkdtempSync(join(tmpdir(), 'phasebook-bundle-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('host suites are found by name filter, and an unknown filter lists the suites', () => {
  const all = findHostSuites();
  assert.ok(all.includes('test/host/suites/activation.host.ts'));
  assert.deepEqual(findHostSuites(['activation']), ['test/host/suites/activation.host.ts']);
  assert.throws(
    () => findHostSuites(['no-such-suite']),
    /no host suite matches no-such-suite; suites are: .*activation/,
  );
});

test('the generated entry loads each suite lazily, after mocha is set up', () => {
  const src = hostEntrySource(['test/host/suites/a.host.ts']);
  assert.match(src, /load: \(\) => import\("\.\/test\/host\/suites\/a\.host"\)/);
  assert.match(src, /export const run = entry\.run;/);
});

test('stack frames in the bundle map back to the suite source line', async () => {
  const src = join(scratch, 'boom.ts');
  writeFileSync(src, 'export function boom(): never {\n  const x = 1;\n  throw new Error(`boom ${x}`);\n}\n');
  const out = join(scratch, 'out', 'index.js');
  await esbuild.build({
    entryPoints: [src],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    sourcemap: 'external',
    outfile: out,
    logLevel: 'error',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just built
  const mod = require(out) as { boom: () => never };
  let stack = '';
  try {
    mod.boom();
  } catch (err) {
    stack = (err as Error).stack ?? '';
  }
  assert.match(stack, /index\.js:\d+:\d+/);
  const mapped = stackMapperFor(out, scratch)(stack);
  assert.match(mapped, /\(boom\.ts:3:\d+\)/);
});
