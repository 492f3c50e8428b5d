// Types for paths.mjs, so the TypeScript launchers share the installer's pins and paths.
export declare const CODE_SERVER_VERSION: string;
export declare const RIPGREP_NPM_VERSION: string;
export declare const RIPGREP_ASSET: string;
export declare const DEFAULT_CHROMIUM: string;
export interface CodeServerPaths {
  root: string;
  packageJson: string;
  entry: string;
  vscodeNodeModules: string;
  marker: string;
}
export declare function codeServerPaths(repoRoot: string): CodeServerPaths;
export declare function findOnPath(name: string): string | undefined;
