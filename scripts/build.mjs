// Bundles the extension host, the kernel and the CLI for Node, and the webviews for the browser.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
// `--package` (scripts/package.mjs): self-contained bundles for the .vsix, minified, into --outdir.
const packaged = process.argv.includes('--package');
const production = packaged || process.argv.includes('--production');
const outRoot = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';
// Native and host-provided modules stay outside the bundle; so do vega and vega-lite in the Node
// bundles (ES modules loaded with a dynamic import() for headless SVG; the webviews bundle them).
// A packaged build bundles every JavaScript dependency; what stays out is the host's `vscode`,
// optional natives nobody ships (fsevents, canvas), and nodejs-polars' .node addon, which its
// loader requires as `./nodejs-polars.<triple>.node` next to the bundle (scripts/package.mjs
// copies the target's addon into dist/). esbuild's JS API is bundled too and pointed at the
// esbuild binary copied next to the bundle (it refuses to be bundled without ESBUILD_BINARY_PATH).
const external = packaged
  ? ['vscode', '*.node', 'nodejs-polars-*', 'fsevents', 'canvas']
  : [
      'vscode',
      'nodejs-polars',
      'nodejs-polars-*',
      'chokidar',
      'fsevents',
      'esbuild',
      'vega',
      'vega-lite',
      'vega-canvas',
      'canvas',
      'sql.js',
      'bullmq',
      'ioredis',
      '@aws-sdk/*',
    ];
const packagedNode = packaged
  ? {
      // vega-canvas's node build awaits import('canvas') at top level (not expressible in CJS); nobody
      // installs node-canvas and SVG needs no canvas, so the bundles take its browser build (no canvas).
      alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
      define: { 'process.env.ESBUILD_BINARY_PATH': '__phasebookEsbuildBinary' },
      banner: {
        js:
          "var __phasebookEsbuildBinary = require('path').join(__dirname, process.platform === 'win32' ? " +
          "'esbuild.exe' : 'esbuild');",
      },
    }
  : {};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external,
  logLevel: 'warning',
  ...packagedNode,
};

const nodeEntries = [
  { in: 'extension/extension.ts', out: 'extension' },
  { in: 'core/kernel/server.ts', out: 'kernel' },
  { in: 'core/cli/main.ts', out: 'cli' },
  { in: 'core/ml/gbdt/worker.ts', out: 'gbdt-worker' },
  { in: 'core/engine/worker.ts', out: 'orchestrate-worker' },
].filter((e) => existsSync(e.in));

const webviewDir = 'webview/entries';
// Notebook renderers are imported by VS Code as ES modules; every other webview entry is an IIFE.
const ESM_ENTRIES = new Set(['renderer']);
const allWebEntries = existsSync(webviewDir)
  ? readdirSync(webviewDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => ({ in: join(webviewDir, f), out: f.replace(/\.ts$/, '') }))
  : [];
const webEntries = allWebEntries.filter((e) => !ESM_ENTRIES.has(e.out));
const esmWebEntries = allWebEntries.filter((e) => ESM_ENTRIES.has(e.out));

mkdirSync(join(outRoot, 'webview'), { recursive: true });
// `--webview` builds only the browser bundles (test:webview, bench:charts).
const builds = process.argv.includes('--webview') ? [] : [{ ...node, entryPoints: nodeEntries, outdir: outRoot }];
if (webEntries.length) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    entryPoints: webEntries,
    outdir: join(outRoot, 'webview'),
    logLevel: 'warning',
    loader: { '.css': 'text' },
  });
}
if (esmWebEntries.length) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: !production,
    minify: production,
    entryPoints: esmWebEntries,
    outdir: join(outRoot, 'webview'),
    logLevel: 'warning',
    loader: { '.css': 'text' },
  });
}
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
