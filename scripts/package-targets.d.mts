export interface TargetNatives {
  polars: string;
  esbuild: string;
}
export declare const TARGETS: Record<string, TargetNatives>;
export interface NativePackage {
  name: string;
  version: string;
  file: string;
  as: string;
}
export declare function nativePackages(target: string, versions: { polars: string; esbuild: string }): NativePackage[];
