// The platforms a .vsix can target (`vsce package --target`), and the native files each needs:
// nodejs-polars' addon (loaded as ./nodejs-polars.<triple>.node next to the bundle) and esbuild's
// binary (for `ts` cells; the bundle points ESBUILD_BINARY_PATH at ./esbuild). Pure data.

/** vsce target -> nodejs-polars' napi triple and esbuild's platform package suffix. */
export const TARGETS = {
  'linux-x64': { polars: 'linux-x64-gnu', esbuild: 'linux-x64' },
  'linux-arm64': { polars: 'linux-arm64-gnu', esbuild: 'linux-arm64' },
  'darwin-x64': { polars: 'darwin-x64', esbuild: 'darwin-x64' },
  'darwin-arm64': { polars: 'darwin-arm64', esbuild: 'darwin-arm64' },
  'win32-x64': { polars: 'win32-x64-msvc', esbuild: 'win32-x64' },
};

/**
 * The published packages whose files go into dist/ for `target`: `{ name, version, file, as }`
 * (file: inside the package; as: its name in dist/). Versions are the ones the bundles were built
 * against (a native of another version would not match the bundled JavaScript).
 */
export function nativePackages(target, versions) {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown target '${target}'; targets: ${Object.keys(TARGETS).join(', ')}`);
  const windows = target.startsWith('win32-');
  return [
    {
      name: `nodejs-polars-${t.polars}`,
      version: versions.polars,
      file: `nodejs-polars.${t.polars}.node`,
      as: `nodejs-polars.${t.polars}.node`,
    },
    {
      name: `@esbuild/${t.esbuild}`,
      version: versions.esbuild,
      file: windows ? 'esbuild.exe' : 'bin/esbuild',
      as: windows ? 'esbuild.exe' : 'esbuild',
    },
  ];
}
