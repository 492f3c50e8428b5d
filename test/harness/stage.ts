// Prepares what code-server loads: the extension folder (as an installed extension) and a
// throwaway workspace (a copy of examples/ plus any files a test adds).
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export interface ExtensionManifest {
  publisher: string;
  name: string;
  version: string;
}

/** The folder name VS Code expects for an installed extension: `<publisher>.<name>-<version>`. */
export function extensionFolderName(manifest: ExtensionManifest): string {
  for (const key of ['publisher', 'name', 'version'] as const) {
    if (typeof manifest[key] !== 'string' || !manifest[key]) {
      throw new Error(`package.json has no "${key}"; VS Code cannot install the extension without it`);
    }
  }
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`;
}

export function readManifest(repoRoot: string): ExtensionManifest & Record<string, unknown> {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as ExtensionManifest &
    Record<string, unknown>;
}

/** Folders of the repository that ship with the extension (copied when present). */
export const EXTENSION_PAYLOAD = ['dist', 'bin', 'media', 'examples'] as const;
export const EXTENSION_FILES = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'] as const;

/**
 * Installs the repository's built extension into `extensionsDir` the way VS Code installs a
 * .vsix: a folder named `<publisher>.<name>-<version>`. node_modules is a symlink to the
 * repository's (the production dependencies resolve through it). Returns the folder.
 */
export function stageExtension(repoRoot: string, extensionsDir: string): string {
  const manifest = readManifest(repoRoot);
  const main = typeof manifest.main === 'string' ? manifest.main : './dist/extension.js';
  if (!existsSync(join(repoRoot, main))) {
    throw new Error(`the extension is not built: ${main} is missing. Run \`npm run build\` first.`);
  }
  const target = join(extensionsDir, extensionFolderName(manifest));
  mkdirSync(target, { recursive: true });
  for (const file of EXTENSION_FILES) {
    if (existsSync(join(repoRoot, file))) cpSync(join(repoRoot, file), join(target, file));
  }
  for (const dir of EXTENSION_PAYLOAD) {
    if (existsSync(join(repoRoot, dir))) cpSync(join(repoRoot, dir), join(target, dir), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(target, 'node_modules'), 'dir');
  return target;
}

/**
 * Outputs a demo run leaves in examples/ (gitignored); a test workspace starts without them so
 * every test sees a clean slate. Paths are relative to examples/, with `/` separators.
 */
export const EXAMPLES_OUTPUTS = [
  '.phasebook',
  'runs',
  'artifacts',
  'logs',
  'results',
  'reports',
  'data/stacking',
] as const;

/** True when `path` (relative to examples/) is, or is inside, a generated output folder. */
export function isExamplesOutput(relativePath: string): boolean {
  const p = relativePath.split(sep).join('/');
  return EXAMPLES_OUTPUTS.some((out) => p === out || p.startsWith(`${out}/`));
}

/**
 * Copies examples/ into `workspaceDir` (without generated outputs, unless `withExamples` is false) and writes
 * `extraFiles`.
 */
export function stageWorkspace(
  repoRoot: string,
  workspaceDir: string,
  extraFiles: Record<string, string> = {},
  withExamples = true,
): void {
  mkdirSync(workspaceDir, { recursive: true });
  const examples = join(repoRoot, 'examples');
  if (withExamples && existsSync(examples)) {
    cpSync(examples, workspaceDir, {
      recursive: true,
      filter: (src) => src === examples || !isExamplesOutput(relative(examples, src)),
    });
  }
  for (const [rel, text] of Object.entries(extraFiles)) {
    const path = join(workspaceDir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

/** User settings that keep the workbench quiet and deterministic under test. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'chat.disableAIFeatures': true,
  'notebook.experimental.remoteSave': false,
  'files.watcherExclude': { '**/node_modules/**': true },
};

export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
}
