// Installs a .vsix into an extensions folder the way a user does, with code-server's own
// `--install-extension` (what `code --install-extension` is in VS Code), and finds the folder
// it unpacked to.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeServerPaths } from '../../scripts/tools/paths.mjs';

export function installVsix(
  tools: CodeServerPaths,
  vsix: string,
  dirs: { extensionsDir: string; userDataDir: string; base: string },
): string {
  const r = spawnSync(
    process.execPath,
    [
      tools.entry,
      '--extensions-dir',
      dirs.extensionsDir,
      '--user-data-dir',
      dirs.userDataDir,
      '--install-extension',
      vsix,
    ],
    {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(dirs.base, 'xdg-config'),
        XDG_DATA_HOME: join(dirs.base, 'xdg-data'),
        NODE_OPTIONS: '',
      },
    },
  );
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status ?? r.signal}):\n${output}`);
  }
  const folders = readdirSync(dirs.extensionsDir).filter((n) => /^phasebook\.phasebook-/.test(n));
  if (folders.length !== 1)
    throw new Error(
      `after --install-extension, ${dirs.extensionsDir} holds ${JSON.stringify(readdirSync(dirs.extensionsDir))}`,
    );
  return join(dirs.extensionsDir, folders[0]);
}
