// The fan-out suites' data set (fanout.host.ts, fleet.host.ts).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { phasebookExtension, workspaceRoot } from '../../support';

/** A small seeded data set, made with the CLI's generator (2 symbols × 1,500 bars). */
export function ensureFanoutData(): void {
  const data = join(workspaceRoot().fsPath, 'data', 'fanout_ohlcv_1h.csv');
  if (existsSync(data)) return;
  const cli = join(phasebookExtension().extensionUri.fsPath, 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'demo-data', data, '--symbols', '2', '--bars', '1500', '--seed', '7'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', PHASEBOOK_CLI_MAIN: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `could not make the fan-out data: ${r.stderr}`);
}
