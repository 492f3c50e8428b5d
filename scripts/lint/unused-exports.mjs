#!/usr/bin/env node
// The unused-export check of `npm run lint` (docs/design.md §12.2). ts-unused-exports lists every export no
// other file imports; of those, an export its own module does not use either is dead code and fails the check.
// Exports used only inside their module are allowed (a module may name its own parts), barrels (index.ts) are
// the API they re-export, and entry points are called by their host. Usage: node scripts/lint/unused-exports.mjs
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import tsUnusedExports from 'ts-unused-exports';

const { analyzeTsConfig } = tsUnusedExports;

const root = resolve(new URL('../..', import.meta.url).pathname);
/** Exports their host calls: VS Code (activate/deactivate), the notebook renderer, the host-test launcher. */
const ENTRY_POINTS = {
  'extension/extension.ts': ['activate', 'deactivate'],
  'webview/entries/renderer.ts': ['activate'],
  'test/host/entry.ts': ['createHostTestEntry'],
};

const analysis = analyzeTsConfig(resolve(root, 'tsconfig.json'), ['--excludeDeclarationFiles']).unusedExports;
/** How often `name` occurs in `src` as an identifier (not as a property: `.name`, but `...name` counts). */
const uses = (src, name) => {
  const re = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  let n = 0;
  for (const m of src.matchAll(re)) {
    const before = src.slice(Math.max(0, m.index - 3), m.index);
    if (before.endsWith('.') && !before.endsWith('...')) continue;
    n++;
  }
  return n;
};
const dead = [];
for (const [abs, exports] of Object.entries(analysis)) {
  const file = relative(root, abs).split('\\').join('/');
  if (/(^|\/)index\.ts$/.test(file)) continue;
  const src = readFileSync(abs, 'utf8');
  for (const e of exports) {
    if (ENTRY_POINTS[file]?.includes(e.exportName)) continue;
    if (uses(src, e.exportName) > 1) continue;
    const line = e.location ? `:${e.location.line}` : '';
    dead.push(`${file}${line}: '${e.exportName}' is exported, imported nowhere and unused in its module (delete it)`);
  }
}
for (const d of dead) console.error(d);
if (dead.length) {
  console.error(`${dead.length} dead export(s)`);
  process.exit(1);
}
console.log('unused exports: none dead');
