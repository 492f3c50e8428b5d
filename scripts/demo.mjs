// The main job: makes the seeded demo data (once) and runs examples/demo.pipeline end to end
// through the CLI, leaving real runs under examples/.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const cli = join('dist', 'cli.js');
const data = join('examples', 'data', 'demo_ohlcv_1h.csv');
const run = (args) => {
  const r = spawnSync(process.execPath, [cli, ...args], {
    stdio: 'inherit',
    env: { ...process.env, PHASEBOOK_CLI_MAIN: '1' },
  });
  return r.status ?? 1;
};
if (!existsSync(data)) {
  const code = run(['demo-data', data, '--symbols', '5', '--bars', '4000', '--seed', '7']);
  if (code !== 0) process.exit(code);
}
const code = run(['run', join('examples', 'demo.pipeline'), ...process.argv.slice(2)]);
console.log('');
run(['runs', '--dir', 'examples']);
process.exit(code);
