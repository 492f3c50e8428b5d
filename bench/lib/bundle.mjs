// Bundles the benchmark entries (TypeScript over the engine) into dist/, next to the CLI, kernel
// and gbdt worker bundles, with the build's settings: the engine runs as it ships, not under tsx.
import * as esbuild from 'esbuild';
import { join } from 'node:path';

export const BENCH_ENTRIES = {
  'bench-pipeline': 'bench/phasebook/pipelineBench.ts',
  'bench-cache': 'bench/micro/cacheHit.ts',
  'bench-kernel': 'bench/micro/kernelRoundTrip.ts',
  'bench-runindex': 'bench/micro/runIndex.ts',
  'bench-explorer': 'bench/micro/explorerLatency.ts',
  'bench-chart': 'bench/micro/chartRender.ts',
  'bench-editor-latency': 'bench/micro/editorLatency.ts',
};

/** Bundles the given entry names (default: all) into ROOT/dist/NAME.js. */
export async function bundleBenchEntries(root, names = Object.keys(BENCH_ENTRIES)) {
  await esbuild.build({
    entryPoints: Object.fromEntries(names.map((n) => [n, join(root, BENCH_ENTRIES[n])])),
    outdir: join(root, 'dist'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external: [
      'vscode',
      'nodejs-polars',
      'nodejs-polars-*',
      'chokidar',
      'fsevents',
      'esbuild',
      'vega',
      'vega-lite',
      'apache-arrow',
      'sql.js',
    ],
    logLevel: 'warning',
  });
  return Object.fromEntries(names.map((n) => [n, join(root, 'dist', `${n}.js`)]));
}
