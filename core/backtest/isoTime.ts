/**
 * Epoch ms -> ISO-8601 UTC ("2024-01-01T00:00:00.000Z"), as Date#toISOString, but faster for
 * the long sorted series of a backtest: the date part is computed once per day.
 */
let cachedDay = NaN;
let cachedPrefix = '';

const pad2 = (v: number) => (v < 10 ? '0' : '') + v;
const pad3 = (v: number) => (v < 10 ? '00' : v < 100 ? '0' : '') + v;

export function isoTime(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const day = Math.floor(ms / 86_400_000);
  if (day !== cachedDay) {
    const d = new Date(day * 86_400_000).toISOString();
    if (d.length !== 24) return new Date(ms).toISOString(); // years outside 0000..9999
    cachedDay = day;
    cachedPrefix = d.slice(0, 11);
  }
  let rest = ms - day * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = Math.floor(rest - s * 1000);
  return `${cachedPrefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(milli)}Z`;
}
