import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nativePackages, TARGETS } from '../../../scripts/package-targets.mjs';

const versions = { polars: '0.26.1', esbuild: '0.25.12' };

test(
  'each target packages its own nodejs-polars addon and esbuild binary, at the versions the bundles were built ' +
    'with',
  () => {
    assert.deepEqual(nativePackages('linux-x64', versions), [
      {
        name: 'nodejs-polars-linux-x64-gnu',
        version: '0.26.1',
        file: 'nodejs-polars.linux-x64-gnu.node',
        as: 'nodejs-polars.linux-x64-gnu.node',
      },
      { name: '@esbuild/linux-x64', version: '0.25.12', file: 'bin/esbuild', as: 'esbuild' },
    ]);
    const win = nativePackages('win32-x64', versions);
    assert.equal(win[0].as, 'nodejs-polars.win32-x64-msvc.node');
    assert.deepEqual([win[1].file, win[1].as], ['esbuild.exe', 'esbuild.exe']);
    assert.deepEqual(Object.keys(TARGETS).sort(), [
      'darwin-arm64',
      'darwin-x64',
      'linux-arm64',
      'linux-x64',
      'win32-x64',
    ]);
  },
);

test('an unknown target is an error naming the known ones', () => {
  assert.throws(
    () => nativePackages('linux-riscv64', versions),
    /unknown target 'linux-riscv64'; targets: linux-x64, linux-arm64/,
  );
});
