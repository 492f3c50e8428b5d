// The fan-out suites' data set (fanout.host.ts, fleet.host.ts).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { phasebookExtension, workspaceRoot } from '../../support';

/**
 * A small seeded data set, made with the CLI's generator (2 symbols × 1,500 bars) as data/<name>. Suites that must
 * compute their cells (not take them from the workspace's cache, which every suite shares) use a name and seed
 * of their own.
 */
export function ensureFanoutData(name = 'fanout_ohlcv_1h.csv', seed = 7): void {
  const data = join(workspaceRoot().fsPath, 'data', name);
  if (existsSync(data)) return;
  const cli = join(phasebookExtension().extensionUri.fsPath, 'dist', 'cli.js');
  const args = ['demo-data', data, '--symbols', '2', '--bars', '1500', '--seed', String(seed)];
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', PHASEBOOK_CLI_MAIN: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `could not make the fan-out data: ${r.stderr}`);
}
