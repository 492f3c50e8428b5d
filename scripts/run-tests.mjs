// Runs node's test runner over the given *.test.ts files and every *.test.ts below the given folders
// (Node 20 has no globs).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

// `--exclude DIR` leaves out the files below DIR (run on their own, e.g. at another concurrency).
const argv = process.argv.slice(2);
const excluded = argv.flatMap((a, i) => (argv[i - 1] === '--exclude' ? [a] : []));
const rest = argv.filter((a, i) => a !== '--exclude' && argv[i - 1] !== '--exclude');
const dirs = rest.filter((a) => !a.startsWith('--'));
const passthrough = rest.filter((a) => a.startsWith('--'));
const isExcluded = (p) => excluded.some((d) => p === d || p.startsWith(d.replace(/\/$/, '') + '/'));
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (isExcluded(p)) continue;
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
};
for (const d of dirs.length ? dirs : ['test/unit']) {
  if (statSync(d).isFile()) files.push(d);
  else walk(d);
}
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--import', 'tsx', ...passthrough, ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
