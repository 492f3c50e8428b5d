// Where the harness finds the repository, the installed tools and the folder it keeps results in.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  codeServerPaths,
  CODE_SERVER_VERSION,
  DEFAULT_CHROMIUM,
  type CodeServerPaths,
} from '../../scripts/tools/paths.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Screenshots, server logs and result files of host and e2e runs (gitignored). */
export const testResultsDir = join(repoRoot, 'test-results');

export function ensureTestResultsDir(): string {
  mkdirSync(testResultsDir, { recursive: true });
  return testResultsDir;
}

/** The installed code-server, or a loud error saying how to install it. */
export function installedCodeServer(): CodeServerPaths {
  const paths = codeServerPaths(repoRoot);
  if (!existsSync(paths.marker) || !existsSync(paths.entry)) {
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} is not installed at ${paths.root}. ` +
        'Run `npm run tools:setup` (needs the Debian packages ripgrep, libkrb5-dev and build tools).',
    );
  }
  return paths;
}

/** Debian's chromium (or PHASEBOOK_CHROMIUM), or a loud error. */
export function chromiumPath(): string {
  const path = process.env.PHASEBOOK_CHROMIUM || DEFAULT_CHROMIUM;
  if (!existsSync(path)) {
    throw new Error(`chromium not found at ${path}. Install Debian's \`chromium\` package or set PHASEBOOK_CHROMIUM.`);
  }
  return path;
}
