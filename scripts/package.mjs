// `npm run package [-- --target linux-x64|linux-arm64|darwin-x64|darwin-arm64|win32-x64]`
// Builds phasebook-<version>-<target>.vsix in the repository root with @vscode/vsce. The package
// holds only what runs: self-contained dist/ bundles (scripts/build.mjs --package), the target's
// nodejs-polars addon and esbuild binary next to them, sql.js's wasm, media, the
// `phasebook` launchers in bin/, package.json, README, CHANGELOG and LICENSE (.vscodeignore lists
// them). No node_modules: nothing in the installed extension resolves from outside its folder.
// The default target is this machine's. Prints the package's size.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativePackages, TARGETS } from './package-targets.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
};
const target = flag('target') ?? `${process.platform}-${process.arch}`;
if (!TARGETS[target]) {
  console.error(`phasebook package: unknown target '${target}'; targets: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsixName = `${manifest.name}-${manifest.version}-${target}.vsix`;
const out = resolve(repoRoot, flag('out') ?? vsixName);
const stage = join(repoRoot, '.build', 'vsix', target);

function run(cmd, args, cwd = repoRoot) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** A published package's folder: node_modules' copy when it is that version, else `npm pack` into .build/npm. */
function packageDir(name, version) {
  const local = join(repoRoot, 'node_modules', name);
  if (
    existsSync(join(local, 'package.json')) &&
    JSON.parse(readFileSync(join(local, 'package.json'), 'utf8')).version === version
  )
    return local;
  const cache = join(repoRoot, '.build', 'npm', `${name.replace('/', '+')}-${version}`);
  if (!existsSync(join(cache, 'package', 'package.json'))) {
    mkdirSync(cache, { recursive: true });
    const r = spawnSync('npm', ['pack', `${name}@${version}`, '--pack-destination', cache, '--silent'], {
      cwd: cache,
      encoding: 'utf8',
    });
    const tgz = readdirSync(cache).find((f) => f.endsWith('.tgz'));
    if (r.status !== 0 || !tgz) {
      rmSync(cache, { recursive: true, force: true });
      throw new Error(
        `${name}@${version} is not on the npm registry, so there is no ${target} binary to package ` +
          `(${(r.stderr || '').trim().split('\n').pop() || 'npm pack failed'})`,
      );
    }
    run('tar', ['xzf', tgz], cache);
  }
  return join(cache, 'package');
}

function copyInto(rel, from = join(repoRoot, rel)) {
  const to = join(stage, rel);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
}

function sizeOf(path) {
  const st = statSync(path);
  return st.isDirectory() ? readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0) : st.size;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

try {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  run(process.execPath, ['scripts/build.mjs', '--package', `--outdir=${join(stage, 'dist')}`]);

  // The natives, next to the bundles that load them (see scripts/build.mjs).
  const natives = nativePackages(target, {
    polars: JSON.parse(readFileSync(join(repoRoot, 'node_modules/nodejs-polars/package.json'), 'utf8')).version,
    esbuild: JSON.parse(readFileSync(join(repoRoot, 'node_modules/esbuild/package.json'), 'utf8')).version,
  });
  for (const n of natives) {
    const dest = join(stage, 'dist', n.as);
    copyFileSync(join(packageDir(n.name, n.version), n.file), dest);
    chmodSync(dest, 0o755);
  }
  copyFileSync(join(repoRoot, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(stage, 'dist', 'sql-wasm.wasm'));

  for (const rel of ['media', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) copyInto(rel);
  // bin/: the CLI with whichever node runs it (bin/phasebook.js is the repository's bin/phasebook),
  // behind sh and cmd launchers that use the editor's own runtime (PHASEBOOK_NODE) when node is not installed.
  copyInto('bin/phasebook.js', join(repoRoot, 'bin', 'phasebook'));
  for (const f of readdirSync(join(repoRoot, 'scripts', 'package-bin')))
    copyInto(join('bin', f), join(repoRoot, 'scripts', 'package-bin', f));
  chmodSync(join(stage, 'bin', 'phasebook'), 0o755);

  // The installed manifest: what VS Code reads. Nothing to install, build or override at the user's.
  const { scripts: _s, devDependencies: _d, dependencies: _p, overrides: _o, bin: _b, ...installed } = manifest;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(installed, null, 2)}\n`);

  rmSync(out, { force: true });
  // The project has no public repository yet, so package.json names none (no invented URL): vsce is
  // told so, and leaves README's relative links as they are instead of pointing them at a guess.
  const noRepository = manifest.repository ? [] : ['--allow-missing-repository', '--no-rewrite-relative-links'];
  run(
    join(repoRoot, 'node_modules', '.bin', 'vsce'),
    ['package', '--target', target, '--no-dependencies', ...noRepository, '--out', out],
    stage,
  );
  const packed = statSync(out).size;
  console.log(
    `phasebook package: ${out} — ${mb(packed)} (${target}; ` +
      `${mb(sizeOf(stage) - sizeOf(join(stage, '.vscodeignore')))} installed)`,
  );
} catch (e) {
  console.error(`phasebook package: ${e.message}`);
  process.exit(1);
}
