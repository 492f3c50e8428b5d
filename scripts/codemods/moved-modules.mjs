#!/usr/bin/env node
// Rewrites relative import specifiers that point at a module moved by the layering work (docs/design.md §2.2),
// so branches written against the old paths compile after a merge. Idempotent: run it, then tsc.
// Usage: node scripts/codemods/moved-modules.mjs [--check]   (--check lists the files it would change)
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
/** Old module path -> new module path (relative to the repository, no extension). */
export const MOVED = {
  'core/phases/schema': 'core/base/schema',
  'core/phases/types': 'core/spec/types',
  'core/phases/registry': 'core/spec/registry',
  'core/graph/hash': 'core/base/hash',
  'core/graph/dag': 'core/notebook/dag',
  'core/graph/session': 'core/engine/session',
  'core/orchestrate/worker': 'core/engine/worker',
  'extension/commandIds': 'extension/base/commandIds',
  'extension/config': 'extension/base/config',
  'extension/logChannel': 'extension/base/logChannel',
  'extension/logFormat': 'extension/base/logFormat',
  'extension/notebook/cellStatusBar': 'extension/kernel/cellStatusBar',
  'test/host/protocol': 'extension/util/hostTestProtocol',
  // index.ts only for barrels (docs/design.md §2.4)
  'core/ml/models': 'core/ml/models/registry',
  'core/runs': 'core/runs/scan',
  'extension/dashboard': 'extension/dashboard/register',
  // i16c: the phase kinds' registration list is a feature entry, not a barrel
  'core/phases': 'core/phases/register',
  // i16c: the backtest's "phase" is a stage of a workflow run (docs/design.md §2.4)
  'core/backtest/results/phaseDir': 'core/backtest/results/stageDir',
  'core/backtest/portfolioPhase': 'core/backtest/portfolioStage',
};
const DIRS = ['core', 'extension', 'webview', 'test', 'bench', 'scripts'];
const check = process.argv.includes('--check');
const has = (m) => ['.ts', '.tsx', '/index.ts'].some((x) => existsSync(join(root, m + x)));
/** Moves that have happened in this tree (new path there, old path gone). */
const live = new Set(Object.keys(MOVED).filter((m) => has(MOVED[m]) && !has(m)));

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') yield* files(p);
    } else if (/\.(ts|tsx|mts|mjs|cjs|js)$/.test(e.name) && !p.includes(`${sep}codemods${sep}`)) yield p;
  }
}

const SPEC = /((?:from|import|require\(|import\()\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;
let changed = 0;
for (const d of DIRS) {
  for (const f of files(join(root, d))) {
    const src = readFileSync(f, 'utf8');
    const here = relative(root, f)
      .split(sep)
      .join('/')
      .replace(/\.(ts|tsx)$/, '');
    // A moved file's own relative imports were written against its old folder.
    const old = Object.keys(MOVED).find((m) => MOVED[m] === here && live.has(m));
    const exists = (p) => ['', '.ts', '.tsx', '/index.ts'].some((x) => existsSync(p.replace(/\.js$/, '') + x));
    const out = src.replace(SPEC, (all, pre, q, spec) => {
      // ... but only those that no longer resolve from the new folder.
      const stale = old && !exists(resolve(dirname(f), spec)) && exists(resolve(dirname(join(root, old)), spec));
      const target = resolve(stale ? dirname(join(root, old)) : dirname(f), spec);
      const abs = relative(root, target).split(sep).join('/');
      const bare = abs.replace(/\.(ts|js)$/, '').replace(/\/index$/, '');
      const to = live.has(bare) ? MOVED[bare] : stale ? abs.replace(/\.(ts|js)$/, '') : undefined;
      if (!to) return all;
      let rel = relative(dirname(f), join(root, to)).split(sep).join('/');
      if (!rel.startsWith('.')) rel = './' + rel;
      return `${pre}${q}${rel}${/\.(ts|js)$/.test(spec) ? spec.slice(spec.lastIndexOf('.')) : ''}${q}`;
    });
    if (out !== src) {
      changed++;
      if (check) console.log(relative(root, f));
      else writeFileSync(f, out);
    }
  }
}
console.log(`${check ? 'would change' : 'changed'} ${changed} file(s)`);
