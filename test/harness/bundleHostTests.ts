// Bundles the host suites (test/host/suites/*.host.ts) and mocha into one CommonJS file the
// extension host can require. `vscode` stays external: the host provides it.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from './paths';

export const HOST_SUITES_DIR = 'test/host/suites';
export const HOST_SUITE_SUFFIX = '.host.ts';

/** Suite files (repository-relative, sorted), optionally only those whose name contains a filter. */
export function findHostSuites(filters: readonly string[] = []): string[] {
  const all = readdirSync(join(repoRoot, HOST_SUITES_DIR))
    .filter((f) => f.endsWith(HOST_SUITE_SUFFIX))
    .sort()
    .map((f) => `${HOST_SUITES_DIR}/${f}`);
  if (!filters.length) return all;
  const picked = all.filter((f) => filters.some((x) => f.slice(HOST_SUITES_DIR.length + 1).includes(x)));
  if (!picked.length) {
    throw new Error(`no host suite matches ${filters.join(', ')}; suites are: ${all.join(', ') || '(none)'}`);
  }
  return picked;
}

/** The generated entry: one lazy import per suite, so mocha's globals exist before each loads. */
export function hostEntrySource(suiteFiles: readonly string[]): string {
  const items = suiteFiles.map((f) => {
    const spec = `./${f.replace(/\.ts$/, '')}`;
    return `  { file: ${JSON.stringify(f)}, load: () => import(${JSON.stringify(spec)}) },`;
  });
  return [
    `import { createHostTestEntry } from './test/host/entry';`,
    `const entry = createHostTestEntry([`,
    ...items,
    `]);`,
    `export const runHostTests = entry.runHostTests;`,
    `export const run = entry.run;`,
    '',
  ].join('\n');
}

/** Writes the bundle to `outFile` and returns the suites it contains. */
export async function bundleHostTests(outFile: string, filters: readonly string[] = []): Promise<string[]> {
  const suites = findHostSuites(filters);
  await esbuild.build({
    stdin: { contents: hostEntrySource(suites), resolveDir: repoRoot, sourcefile: 'host-tests-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'external', // the launcher maps stack traces back to the suites' .ts lines
    outfile: outFile,
    external: ['vscode', 'nodejs-polars', 'nodejs-polars-*', 'chokidar', 'fsevents', 'esbuild'],
    logLevel: 'error',
  });
  return suites.map((s) => relative(repoRoot, join(repoRoot, s)));
}
