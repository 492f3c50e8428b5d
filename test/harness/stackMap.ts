// Maps stack frames of the bundled host tests back to the suites' TypeScript lines (the extension
// host installs its own Error.prepareStackTrace, so Node's source-map support does not apply).
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { basename, relative, resolve, dirname } from 'node:path';

/**
 * Returns a function rewriting `…/<bundle>:line:col` frames to `source.ts:line:col`; frames in node_modules are
 * dropped.
 */
export function stackMapperFor(bundlePath: string, repoRoot: string): (stack: string) => string {
  const mapPath = `${bundlePath}.map`;
  if (!existsSync(mapPath)) return (stack) => stack;
  const map = new SourceMap(JSON.parse(readFileSync(mapPath, 'utf8')) as SourceMapPayload);
  const name = basename(bundlePath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`\\(?[^\\s(]*${name}:(\\d+):(\\d+)\\)?`);
  return (stack) =>
    stack
      .split('\n')
      .flatMap((line) => {
        const m = frame.exec(line);
        if (!m) return [line];
        const entry = map.findEntry(Number(m[1]) - 1, Number(m[2]) - 1) as {
          originalSource?: string;
          originalLine?: number;
          originalColumn?: number;
        };
        if (!entry.originalSource) return [line];
        const source = relative(repoRoot, resolve(dirname(mapPath), entry.originalSource.replace(/^file:\/\//, '')));
        if (source.includes('node_modules')) return [];
        return [line.replace(m[0], `(${source}:${(entry.originalLine ?? 0) + 1}:${(entry.originalColumn ?? 0) + 1})`)];
      })
      .join('\n');
}
