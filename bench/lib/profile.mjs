// Summaries of V8 .cpuprofile files (node --cpu-prof): self time per function, largest first.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Self time per function of one profile: [{ name, where, selfMs }], plus the total sampled ms. */
export function selfTimes(profile) {
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
    const where = f.url ? `${basename(f.url)}:${(f.lineNumber ?? 0) + 1}` : '';
    const key = `${name}@${where}`;
    const a = agg.get(key) ?? { name, where, selfMs: 0 };
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
  for (const f of files) {
    const s = selfTimes(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    total += s.total;
    for (const fn of s.functions) {
      const key = `${fn.name}@${fn.where}`;
      const a = merged.get(key) ?? { ...fn, selfMs: 0 };
      a.selfMs += fn.selfMs;
      merged.set(key, a);
    }
  }
  const top = [...merged.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, n).map((t) => ({ ...t, share: total ? t.selfMs / total : 0 }));
  return { files: files.length, totalMs: total, top };
}
