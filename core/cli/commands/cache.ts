import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { cacheStats, cleanCache, DEFAULT_MAX_AGE_DAYS, type CacheStats } from '../../orchestrate/cacheStats';
import { parseMaxAge } from '../../graph/settings';
import { resolveRoots } from '../../runs/roots';
import { renderTable } from '../../runs/table';
import { parseFlags } from '../args';
import type { Command } from '../io';

const usage = 'phasebook cache stats|clean [--max-age 30d] [--all] [--json] [--dir PROJECT] [--cache DIR]';

/** `30d`, `12h`, `90m`, `45s` -> milliseconds. */
export function parseAge(text: string): number {
  const ms = /^\s*\d/.test(text) && /[dhms]\s*$/.test(text) ? parseMaxAge(text) : undefined;
  if (ms === undefined)
    throw new UserError(`--max-age takes a number and a unit (d, h, m or s), e.g. 30d; got '${text}'`, {}, [
      `usage: ${usage}`,
    ]);
  return ms;
}

const ageText = (ms: number) =>
  ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 1000}s`;

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u ? v.toFixed(1) : v} ${units[u]}`;
}

export function formatCacheStats(s: CacheStats): string {
  const when = (d?: Date) => (d ? d.toISOString().slice(0, 19).replace('T', ' ') : '–');
  const lines = [
    `cache       ${s.root}`,
    `entries     ${s.entries} (${formatBytes(s.bytes)})`,
    `last used   oldest ${when(s.oldest)}, newest ${when(s.newest)} (UTC)`,
    `expired     ${s.expired} (${formatBytes(s.expiredBytes)}) unused for more than ${ageText(s.maxAgeMs)}: ` +
      `not served, removed by \`cache clean\``,
    `hit rate    ` +
      `${
        s.hitRatePercent === undefined
          ? '– (no executions ' + 'recorded yet)'
          : `${s.hitRatePercent.toFixed(1)}% (${s.hits} hits, ` + `${s.misses} misses over ${s.executions} executions)`
      }`,
  ];
  const kinds = Object.entries(s.byKind).sort(([a], [b]) => a.localeCompare(b));
  if (kinds.length) {
    lines.push(
      '',
      renderTable(
        ['kind', 'hits', 'misses', 'hit rate'],
        kinds.map(([k, v]) => [
          k,
          String(v.hits),
          String(v.misses),
          `${((100 * v.hits) / Math.max(1, v.hits + v.misses)).toFixed(1)}%`,
        ]),
      ).trimEnd(),
    );
  }
  return lines.join('\n') + '\n';
}

export const cacheCommand: Command = {
  name: 'cache',
  summary:
    'Cell / feature cache: `stats` (entries, size, hit rate) or `clean` (entries unused for --max-age, ' +
    'default 30d; --all).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        'max-age': { type: 'string' },
        all: { type: 'boolean' },
        json: { type: 'boolean' },
        dir: { type: 'string' },
        cache: { type: 'string' },
      },
      usage,
    );
    const [action, ...extra] = positionals;
    if (!action || extra.length || !['stats', 'clean'].includes(action))
      throw new UserError(action ? `unknown cache action '${action}'` : 'say what to do: stats or clean', {}, [
        `usage: ${usage}`,
      ]);
    const root = values.cache ? resolve(io.cwd, values.cache) : resolveRoots(resolve(io.cwd, values.dir ?? '.')).cache;
    const maxAgeMs = values['max-age'] !== undefined ? parseAge(values['max-age']) : DEFAULT_MAX_AGE_DAYS * 86_400_000;
    if (action === 'stats') {
      const s = await cacheStats(root, { maxAgeMs });
      io.out(values.json ? `${JSON.stringify(s, null, 2)}\n` : formatCacheStats(s));
      return ExitCode.Ok;
    }
    const r = await cleanCache(root, { maxAgeMs, all: values.all });
    io.out(
      values.json
        ? `${JSON.stringify(r)}\n`
        : `removed ${r.removed} entr${r.removed === 1 ? 'y' : 'ies'} (${formatBytes(r.freedBytes)}), kept ` +
            `${r.kept}` +
            `${values.all ? '' : ` (unused for at most ${values['max-age'] ?? `${DEFAULT_MAX_AGE_DAYS}d`})`}\n`,
    );
    return ExitCode.Ok;
  },
};
