// Bundles the extension host, the kernel and the CLI for Node, and the webviews for the browser.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// Native and host-provided modules stay outside the bundle; so do vega and vega-lite in the Node
// bundles (ES modules loaded with a dynamic import() for headless SVG; the webviews bundle them).
const external = ['vscode', 'nodejs-polars', 'nodejs-polars-*', 'chokidar', 'fsevents', 'esbuild', 'vega', 'vega-lite', 'vega-canvas', 'canvas', 'sql.js', 'bullmq', 'ioredis', '@aws-sdk/*'];

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external,
  logLevel: 'warning',
};

const nodeEntries = [
  { in: 'extension/extension.ts', out: 'extension' },
  { in: 'core/kernel/server.ts', out: 'kernel' },
  { in: 'core/cli/main.ts', out: 'cli' },
  { in: 'core/ml/gbdt/worker.ts', out: 'gbdt-worker' },
  { in: 'core/orchestrate/worker.ts', out: 'orchestrate-worker' },
].filter((e) => existsSync(e.in));

const webviewDir = 'webview/entries';
// Notebook renderers are imported by VS Code as ES modules; every other webview entry is an IIFE.
const ESM_ENTRIES = new Set(['renderer']);
const allWebEntries = existsSync(webviewDir)
  ? readdirSync(webviewDir).filter((f) => f.endsWith('.ts')).map((f) => ({ in: join(webviewDir, f), out: f.replace(/\.ts$/, '') }))
  : [];
const webEntries = allWebEntries.filter((e) => !ESM_ENTRIES.has(e.out));
const esmWebEntries = allWebEntries.filter((e) => ESM_ENTRIES.has(e.out));

mkdirSync('dist/webview', { recursive: true });
// `--webview` builds only the browser bundles (test:webview, bench:charts).
const builds = process.argv.includes('--webview') ? [] : [
  { ...node, entryPoints: nodeEntries, outdir: 'dist' },
];
if (webEntries.length) {
  builds.push({
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production,
    minify: production, entryPoints: webEntries, outdir: 'dist/webview', logLevel: 'warning',
    loader: { '.css': 'text' },
  });
}
if (esmWebEntries.length) {
  builds.push({
    bundle: true, platform: 'browser', target: 'es2022', format: 'esm', sourcemap: !production,
    minify: production, entryPoints: esmWebEntries, outdir: 'dist/webview', logLevel: 'warning',
    loader: { '.css': 'text' },
  });
}
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
