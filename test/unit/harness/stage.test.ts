import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  extensionFolderName,
  isExamplesOutput,
  stageExtension,
  stageWorkspace,
  writeUserSettings,
} from '../../harness/stage';

const scratch = mkdtempSync(join(tmpdir(), 'phasebook-stage-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function fakeRepo(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  return root;
}

const MANIFEST = JSON.stringify({
  publisher: 'phasebook',
  name: 'phasebook',
  version: '0.1.0',
  main: './dist/extension.js',
});

test('the installed folder is named <publisher>.<name>-<version>, as VS Code expects', () => {
  assert.equal(
    extensionFolderName({ publisher: 'phasebook', name: 'phasebook', version: '0.1.0' }),
    'phasebook.phasebook-0.1.0',
  );
  assert.throws(() => extensionFolderName({ publisher: '', name: 'phasebook', version: '0.1.0' }), /no "publisher"/);
});

test('staging the extension copies manifest and dist, and links node_modules', () => {
  const repo = fakeRepo('ext', {
    'package.json': MANIFEST,
    'dist/extension.js': 'exports.activate = () => {};',
    'media/icon.svg': '<svg/>',
  });
  const dir = stageExtension(repo, join(scratch, 'ext-out'));
  assert.ok(dir.endsWith('phasebook.phasebook-0.1.0'));
  assert.equal(readFileSync(join(dir, 'dist/extension.js'), 'utf8'), 'exports.activate = () => {};');
  assert.ok(existsSync(join(dir, 'media/icon.svg')));
  assert.ok(lstatSync(join(dir, 'node_modules')).isSymbolicLink());
});

test('staging an unbuilt extension fails saying to build it', () => {
  const repo = fakeRepo('unbuilt', { 'package.json': MANIFEST });
  assert.throws(
    () => stageExtension(repo, join(scratch, 'unbuilt-out')),
    /dist\/extension\.js is missing.*npm run build/,
  );
});

test('generated demo outputs are recognised, sources are not', () => {
  for (const p of ['runs', 'runs/x/run.json', 'data/stacking/cv1/run.json', '.phasebook/cache'])
    assert.equal(isExamplesOutput(p), true, p);
  for (const p of ['demo.pipeline', 'data/raw/btc.csv', 'runsheet.pipeline', 'data/stackingnotes.md'])
    assert.equal(isExamplesOutput(p), false, p);
});

test('the workspace is examples/ without outputs, plus the files a test adds', () => {
  const repo = fakeRepo('ws', {
    'examples/demo.pipeline': '# %% md\n',
    'examples/data/raw/prices.csv': 'ts,close\n',
    'examples/runs/old/run.json': '{}',
    'examples/data/stacking/cv/run.json': '{}',
  });
  const ws = join(scratch, 'ws-out');
  stageWorkspace(repo, ws, { 'extra/tiny.pipeline': '# %% load\n' });
  assert.ok(existsSync(join(ws, 'demo.pipeline')));
  assert.ok(existsSync(join(ws, 'data/raw/prices.csv')));
  assert.ok(!existsSync(join(ws, 'runs')));
  assert.ok(!existsSync(join(ws, 'data/stacking')));
  assert.equal(readFileSync(join(ws, 'extra/tiny.pipeline'), 'utf8'), '# %% load\n');
});

test('user settings silence the workbench and let a test override them', () => {
  const dir = join(scratch, 'user-data');
  writeUserSettings(dir, { 'security.workspace.trust.enabled': true });
  const settings = JSON.parse(readFileSync(join(dir, 'User/settings.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(settings['workbench.startupEditor'], 'none');
  assert.equal(settings['security.workspace.trust.enabled'], true);
});
