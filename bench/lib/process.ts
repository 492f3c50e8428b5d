/** Process measurements shared by the benchmark entries. */

/** CPU time of this process so far (user + system, every thread), in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Peak resident set size of this process so far, in MB (worker threads included). */
export function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The q-quantile (0..1) of samples, linear interpolation between order statistics (numpy's default). */
export function quantile(samples: readonly number[], q: number): number {
  if (!samples.length) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}
