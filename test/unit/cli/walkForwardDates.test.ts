import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../core/cli/main';
import { writeDemoCsv } from '../../../core/demo/ohlcv';

const NOTEBOOK = `# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2]

# %% labels
horizon: 1

# %% walk_forward wf
train_bars: 200
test_bars: 100
model: ridge
`;

interface Window {
  window_id: string;
  train: [string, string];
  test: [string, string];
}

async function windowsFor(start: string): Promise<{ windows: Window[]; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-wfdates-'));
  try {
    writeDemoCsv(join(dir, 'data.csv'), { symbols: 1, bars: 600, seed: 3, start });
    writeFileSync(join(dir, 'nb.pipeline'), NOTEBOOK);
    let out = '';
    const code = await main(['run', 'nb.pipeline'], {
      out: (s) => void (out += s),
      err: (s) => void (out += s),
      tty: false,
      cwd: dir,
      env: {},
    });
    assert.equal(code, 0, out);
    return {
      windows: JSON.parse(readFileSync(join(dir, 'results', 'nb_wf', 'wf', 'windows.json'), 'utf8')).windows,
      out,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertWindows(windows: Window[], first: string, last: string): void {
  assert.equal(windows.length, 4);
  const all = windows.flatMap((w) => [...w.train, ...w.test]);
  for (const t of all) assert.ok(t >= first && t <= last, `${t} is inside the data (${first} .. ${last})`);
  for (const w of windows) {
    assert.ok(
      w.train[0] < w.train[1] && w.train[1] < w.test[0] && w.test[0] < w.test[1],
      `${w.window_id} in order: ${JSON.stringify(w)}`,
    );
  }
  for (let i = 1; i < windows.length; i++)
    assert.ok(windows[i].test[0] > windows[i - 1].test[1], 'test windows follow one another');
}

test('walk_forward window dates on 2022 hourly bars are 2022 dates, in order', async () => {
  const { windows } = await windowsFor('2022-03-11T17:00:00Z');
  assertWindows(windows, '2022-03-11T17:00:00.000Z', '2022-04-30T00:00:00.000Z');
  // 200 training bars, purge 1, features drop the first rows: the first test bar is the 203rd-ish
  // hourly bar (the generator cuts a few gaps), i.e. about 8.5 days after the first bar.
  assert.match(windows[0].test[0], /^2022-03-(19|20|21)T/);
});

test('walk_forward window dates past 2038 (beyond 2^31 seconds) are kept exactly', async () => {
  const { windows } = await windowsFor('2040-01-01T00:00:00Z');
  assertWindows(windows, '2040-01-01T00:00:00.000Z', '2040-02-28T00:00:00.000Z');
  assert.match(windows[0].test[0], /^2040-01-(09|10|11)T/);
});
