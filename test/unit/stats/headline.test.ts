// The selection headline where the Sharpe is: a walk_forward cell's summary (CLI output) records its
// portfolio as a trial of its study and says how many trials the Sharpe was picked from; one
// trial is said honestly, and a re-run with a changed cell is a new trial that the next headline counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../core/phases/register';
import { main } from '../../../core/cli/main';
import { writeDemoCsv } from '../../../core/demo/ohlcv';
import { listTrials } from '../../../core/runs/trials';

const notebook = (lags: string) => `# %% load prices
source: data.csv

# %% features
returns: close
lags: ${lags}

# %% labels
horizon: 1

# %% walk_forward wf
train_bars: 200
test_bars: 100
model: ridge
`;

async function run(dir: string): Promise<string> {
  let out = '';
  const code = await main(['run', 'nb.pipeline'], {
    out: (s) => void (out += s),
    err: (s) => void (out += s),
    tty: false,
    cwd: dir,
    env: {},
  });
  assert.equal(code, 0, out);
  return out;
}

test(
  'walk_forward headline: 1 trial said as such, a ' + 'changed cell is a second trial, an unchanged re-run ' + 'is not',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-headline-'));
    try {
      writeDemoCsv(join(dir, 'data.csv'), { symbols: 1, bars: 600, seed: 3 });
      writeFileSync(join(dir, 'nb.pipeline'), notebook('[1, 2]'));
      const first = await run(dir);
      assert.match(first, /selection: Sharpe -?\d+\.\d\d · 1 trial: no selection adjustment/);
      await run(dir);
      const db = join(dir, 'artifacts', 'metrics.db');
      assert.equal((await listTrials(db, 'nb.pipeline/wf/sharpe_ratio')).length, 1, 'same returns, same trial');
      writeFileSync(join(dir, 'nb.pipeline'), notebook('[1, 3, 5]'));
      const second = await run(dir);
      const trials = await listTrials(db, 'nb.pipeline/wf/sharpe_ratio');
      assert.equal(trials.length, 2, 'the edited cell is a new trial');
      assert.match(second, /Sharpe -?\d+\.\d\d · deflated \d\.\d\d after 2 trials/);
      assert.doesNotMatch(second, /nothing to deflate/);
      assert.ok(trials.every((t) => t.returns.length > 50));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
