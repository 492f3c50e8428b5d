import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { onPath, shimDir, shimLauncher, shimText } from '../../../extension/terminalShim';

test(
  'the shim runs the launcher with its arguments whole and the baked-in runtime, even with spaces and quotes ' +
    'in paths',
  () => {
    const dir = mkdtempSync(join(tmpdir(), "pb shim '"));
    try {
      const launcher = join(dir, 'bin dir', 'phasebook');
      execFileSync('mkdir', ['-p', join(dir, 'bin dir')]);
      writeFileSync(launcher, '#!/bin/sh\nprintf "%s|" "$PHASEBOOK_NODE" "$@"\n');
      chmodSync(launcher, 0o755);
      const shim = join(dir, 'phasebook');
      writeFileSync(shim, shimText(launcher, "/opt/Code 'x'/code"));
      chmodSync(shim, 0o755);
      const env = { PATH: process.env.PATH ?? '' };
      assert.equal(
        execFileSync(shim, ['validate', 'a b.csv', '--contract', 'ohlcv'], { env, encoding: 'utf8' }),
        "/opt/Code 'x'/code|validate|a b.csv|--contract|ohlcv|",
      );
      // PHASEBOOK_NODE set by an integrated terminal wins over the baked-in runtime.
      assert.equal(
        execFileSync(shim, ['--version'], { env: { ...env, PHASEBOOK_NODE: '/usr/bin/node' }, encoding: 'utf8' }),
        '/usr/bin/node|--version|',
      );
      assert.equal(shimLauncher(shimText(launcher, '/n')), launcher);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('a file that is not a Phasebook shim is recognised as such (never overwritten silently)', () => {
  assert.equal(shimLauncher('#!/bin/sh\nexec /usr/local/lib/other "$@"\n'), undefined);
});

test('the shim folder is ~/.local/bin, and onPath compares PATH entries exactly (trailing slash ignored)', () => {
  assert.equal(shimDir('/home/u'), '/home/u/.local/bin');
  assert.equal(onPath('/home/u/.local/bin', '/usr/bin:/home/u/.local/bin/', ':'), true);
  assert.equal(onPath('/home/u/.local/bin', '/usr/bin:/home/u/.local/binx', ':'), false);
  assert.equal(onPath('/home/u/.local/bin', undefined, ':'), false);
});
