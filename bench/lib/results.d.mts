import type { BenchResults } from './targets.mjs';
export function formatResults(result: BenchResults, analysis?: string): string;
