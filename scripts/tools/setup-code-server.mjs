// Installs code-server (the real VS Code workbench, served on loopback) into .tools/code-server,
// outside the extension's own dependencies. Idempotent: does nothing when the pinned version is
// already installed and complete. Fails loudly, naming what is missing, when it cannot install.
//
//   node scripts/tools/setup-code-server.mjs            install if missing
//   node scripts/tools/setup-code-server.mjs --check    only report whether it is installed (exit 1 if not)
//   node scripts/tools/setup-code-server.mjs --force    reinstall
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CODE_SERVER_VERSION,
  DEFAULT_CHROMIUM,
  RIPGREP_NPM_VERSION,
  RIPGREP_ASSET,
  codeServerPaths,
  findOnPath,
} from './paths.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const paths = codeServerPaths(repoRoot);
const args = process.argv.slice(2);
const started = Date.now();

function log(msg) {
  console.log(`[tools:setup] ${msg}`);
}

function fail(msg) {
  console.error(`[tools:setup] FAILED: ${msg}`);
  process.exit(1);
}

function installedVersion() {
  if (!existsSync(paths.marker)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(paths.packageJson, 'utf8'));
    return existsSync(paths.entry) && existsSync(paths.vscodeNodeModules) ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** Everything the install needs from the machine, as a list of human-readable problems. */
function missingPrerequisites() {
  const missing = [];
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor !== 20)
    missing.push(`Node 20 (code-server ${CODE_SERVER_VERSION} requires it; this is Node ${process.versions.node})`);
  if (!findOnPath('rg')) missing.push('ripgrep: the `rg` binary (Debian package `ripgrep`)');
  const krb =
    ['/usr/include/gssapi/gssapi.h', '/usr/include/krb5.h'].some((p) => existsSync(p)) || findOnPath('krb5-config');
  if (!krb)
    missing.push("Kerberos headers (Debian package `libkrb5-dev`, needed to build code-server's `kerberos` module)");
  for (const tool of ['make', 'g++']) {
    if (!findOnPath(tool))
      missing.push(`\`${tool}\` (Debian package \`build-essential\`, needed to build native modules)`);
  }
  if (!findOnPath('tar')) missing.push('`tar` (seeds the ripgrep download cache)');
  if (!findOnPath('python3')) missing.push('`python3` (node-gyp needs it to build native modules)');
  return missing;
}

/**
 * @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the
 * asset. Seed that cache with a tar.gz whose root is Debian's `rg`.
 */
function seedRipgrepCache(tmpDir) {
  const rg = findOnPath('rg');
  const cacheDir = join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_NPM_VERSION}`);
  mkdirSync(cacheDir, { recursive: true });
  const asset = join(cacheDir, RIPGREP_ASSET);
  const r = spawnSync('tar', ['czf', asset, '-C', dirname(rg), 'rg'], { stdio: 'inherit' });
  if (r.status !== 0) fail(`could not write the ripgrep cache ${asset}`);
  log(`seeded ripgrep cache ${asset} from ${rg}`);
}

/** The host and e2e tests drive the workbench with Debian's chromium; say so now rather than mid-test. */
function requireChromium() {
  const chromium = process.env.PHASEBOOK_CHROMIUM || DEFAULT_CHROMIUM;
  if (!existsSync(chromium)) {
    fail(
      `chromium not found at ${chromium} (Debian package \`chromium\`, or set PHASEBOOK_CHROMIUM); the host ` +
        `and e2e tests need it`,
    );
  }
}

const current = installedVersion();
if (args.includes('--check')) {
  if (current === CODE_SERVER_VERSION) {
    log(`code-server ${current} is installed at ${paths.root}`);
    process.exit(0);
  }
  fail(`code-server ${CODE_SERVER_VERSION} is not installed at ${paths.root}; run \`npm run tools:setup\``);
}
if (current === CODE_SERVER_VERSION && !args.includes('--force')) {
  requireChromium();
  log(`code-server ${current} already installed at ${paths.root} (skipping)`);
  process.exit(0);
}

requireChromium();
const missing = missingPrerequisites();
if (missing.length) {
  fail(
    `cannot install code-server ${CODE_SERVER_VERSION}; missing:\n  - ${missing.join('\n  - ')}\n` +
      'On Debian/Ubuntu: apt-get install -y ripgrep libkrb5-dev build-essential chromium',
  );
}

log(`installing code-server ${CODE_SERVER_VERSION} into ${paths.root} (takes a few minutes: it builds native modules)`);
rmSync(paths.root, { recursive: true, force: true });
mkdirSync(paths.root, { recursive: true });
writeFileSync(
  join(paths.root, 'package.json'),
  JSON.stringify(
    {
      name: 'phasebook-tools-code-server',
      private: true,
      description: "code-server for Phasebook's host and e2e tests; installed by npm run tools:setup",
      dependencies: { 'code-server': CODE_SERVER_VERSION },
    },
    null,
    2,
  ) + '\n',
);

// A private TMPDIR makes the ripgrep cache location certain for every nested npm install.
mkdirSync(join(repoRoot, '.tools'), { recursive: true });
const tmpDir = mkdtempSync(join(repoRoot, '.tools', 'tmp-'));
seedRipgrepCache(tmpDir);

const env = {
  ...process.env,
  TMPDIR: tmpDir,
  npm_config_yes: 'true',
  npm_config_unsafe_perm: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
const npm = spawnSync('npm', ['install', '--omit=dev', '--no-package-lock', '--foreground-scripts'], {
  cwd: paths.root,
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (npm.status !== 0) {
  rmSync(tmpDir, { recursive: true, force: true });
  fail(
    `npm install of code-server ${CODE_SERVER_VERSION} exited with ${npm.status ?? npm.signal}; see the log above ` +
      '(native module builds need libkrb5-dev, build tools and python3; the ripgrep step needs the seeded cache)',
  );
}
if (!existsSync(paths.entry) || !existsSync(paths.vscodeNodeModules)) {
  fail(
    `npm install finished but ${paths.entry} or ${paths.vscodeNodeModules} is missing (code-server's ` +
      `postinstall did not run?)`,
  );
}
const rgInVscode = join(paths.vscodeNodeModules, '@vscode', 'ripgrep', 'bin', 'rg');
if (!existsSync(rgInVscode)) fail(`code-server installed without ripgrep (${rgInVscode} missing)`);

// XDG_CONFIG_HOME keeps code-server from writing a default config into the user's home.
const smoke = spawnSync(process.execPath, [paths.entry, '--version'], {
  encoding: 'utf8',
  env: { ...process.env, XDG_CONFIG_HOME: tmpDir, XDG_DATA_HOME: tmpDir },
});
rmSync(tmpDir, { recursive: true, force: true });
if (smoke.status !== 0 || !smoke.stdout.includes(CODE_SERVER_VERSION)) {
  fail(`code-server --version did not report ${CODE_SERVER_VERSION}:\n${smoke.stdout}${smoke.stderr}`);
}
writeFileSync(paths.marker, `${CODE_SERVER_VERSION}\n`);
log(
  `code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s: ` +
    `${smoke.stdout.split('\n').find((l) => l.includes(CODE_SERVER_VERSION))}`,
);
