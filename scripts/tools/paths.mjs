// Where the test tools live and which versions are pinned. Shared by the installer
// (setup-code-server.mjs) and, through paths.d.mts, by the TypeScript launchers in test/harness/.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** code-server 4.100.3 serves VS Code 1.100.3 on Node 20. */
export const CODE_SERVER_VERSION = '4.100.3';
/** The @vscode/ripgrep version pinned in code-server 4.100.3's lib/vscode/npm-shrinkwrap.json. */
export const RIPGREP_NPM_VERSION = '1.15.11';
/** The asset @vscode/ripgrep 1.15.11's postinstall looks for in its cache on linux x64. */
export const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
/** Debian's chromium; override with PHASEBOOK_CHROMIUM. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function codeServerPaths(repoRoot) {
  const root = join(repoRoot, '.tools', 'code-server');
  const pkgDir = join(root, 'node_modules', 'code-server');
  return {
    root,
    packageJson: join(pkgDir, 'package.json'),
    entry: join(pkgDir, 'out', 'node', 'entry.js'),
    vscodeNodeModules: join(pkgDir, 'lib', 'vscode', 'node_modules'),
    marker: join(root, `.installed-${CODE_SERVER_VERSION}`),
  };
}

/** Absolute path of an executable on PATH, or undefined. */
export function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}
