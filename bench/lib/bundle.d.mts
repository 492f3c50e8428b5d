export const BENCH_ENTRIES: Record<string, string>;
export function bundleBenchEntries(root: string, names?: string[]): Promise<Record<string, string>>;
