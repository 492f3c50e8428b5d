// Summaries of V8 .cpuprofile files (node --cpu-prof): self time per function, largest first.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULE_MARKER = /^\/\/ ((?:core|extension|webview|bench)\/\S+\.ts)$/;

/**
 * `where` for a frame in an esbuild bundle: the source module (from the `// path.ts` comment
 * esbuild puts before each module) when the bundle line still defines that function, else
 * `bundle.js:line` as sampled.
 */
export function sourceResolver() {
  const cache = new Map();
  const linesOf = (url) => {
    if (!cache.has(url)) {
      let path;
      try {
        path = url.startsWith('file://') ? fileURLToPath(url) : url;
      } catch {
        path = undefined;
      }
      cache.set(url, path && existsSync(path) ? readFileSync(path, 'utf8').split('\n') : undefined);
    }
    return cache.get(url);
  };
  return (url, line, name) => {
    const fallback = `${basename(url)}:${line + 1}`;
    const lines = linesOf(url);
    if (!lines || !lines[line]?.includes(name)) return fallback;
    for (let i = line; i >= 0; i--) {
      const m = MODULE_MARKER.exec(lines[i]);
      if (m) return m[1];
    }
    return fallback;
  };
}

/** Self time per function of one profile: [{ name, where, selfMs }], plus the total sampled ms. */
export function selfTimes(profile, where = (url, line) => `${basename(url)}:${line + 1}`) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const dt = Math.max(0, (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000);
    total += dt;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  const agg = new Map();
  for (const [id, ms] of self) {
    const f = byId.get(id)?.callFrame ?? {};
    const name = f.functionName || '(anonymous)';
    const at = f.url ? where(f.url, f.lineNumber ?? 0, name) : '';
    const key = `${name}@${at}`;
    const a = agg.get(key) ?? { name, where: at, selfMs: 0 };
    a.selfMs += ms;
    agg.set(key, a);
  }
  return { total, functions: [...agg.values()].sort((a, b) => b.selfMs - a.selfMs) };
}

/** Top `n` functions over every .cpuprofile in `dir` (all threads), with their share of samples. */
export function summarizeProfiles(dir, n = 15) {
  const merged = new Map();
  let total = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const resolve = sourceResolver();
  for (const f of files) {
    const s = selfTimes(JSON.parse(readFileSync(join(dir, f), 'utf8')), resolve);
    total += s.total;
    for (const fn of s.functions) {
      const key = `${fn.name}@${fn.where}`;
      const a = merged.get(key) ?? { ...fn, selfMs: 0 };
      a.selfMs += fn.selfMs;
      merged.set(key, a);
    }
  }
  const top = [...merged.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, n)
    .map((t) => ({ ...t, share: total ? t.selfMs / total : 0 }));
  return { files: files.length, totalMs: total, top };
}
