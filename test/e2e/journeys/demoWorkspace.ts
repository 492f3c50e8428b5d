// The demo's data in the journeys' temp workspace: examples/data/ is not committed, so it is made
// with the CLI's seeded generator when the copy of examples/ lacks it (as `npm run demo` does).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../harness/paths';

export const DEMO_PIPELINE = 'demo.pipeline';
export const DEMO_DATA = 'data/demo_ohlcv_1h.csv';

export function ensureDemoData(workspaceDir: string): void {
  const target = join(workspaceDir, DEMO_DATA);
  if (existsSync(target)) return;
  const cli = join(repoRoot, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the journeys`);
  const r = spawnSync(process.execPath, [cli, 'demo-data', target, '--symbols', '5', '--bars', '4000', '--seed', '7'], {
    env: { ...process.env, PHASEBOOK_CLI_MAIN: '1', NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  if (r.status !== 0 || !existsSync(target)) {
    throw new Error(
      `could not make the demo data with \`phasebook demo-data\` (exit ${r.status}):\n${r.stderr}${r.stdout}`,
    );
  }
}
