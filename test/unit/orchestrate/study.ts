/** A small fanned-out study on generated data, shared by the orchestration tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoCsv } from '../../../core/demo/ohlcv';

export const STUDY = `# %% settings
seed: 7

# %% load prices
source: data/ohlcv.csv

# %% preprocess
scenarios: [mean_impute, outlier_treatment]
columns: [close]

# %% features
returns: close
lags: [1, 2]

# %% labels
horizon: 4

# %% split
fractions: [0.6, 0.2, 0.2]

# %% train
models: [ridge, linear]
task: regression
bootstrap: 20

# %% evaluate
bootstrap: 20

# %% scenario_compare
from: evaluate

# %% report
from: [scenario_compare, evaluate]
title: Study
`;

/** A fresh project folder with the notebook and its data (2 symbols x `bars` hourly bars). */
export function studyDir(text = STUDY, bars = 160): { dir: string; notebook: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-study-'));
  writeDemoCsv(join(dir, 'data', 'ohlcv.csv'), { symbols: 2, bars, seed: 3 });
  const notebook = join(dir, 'study.pipeline');
  writeFileSync(notebook, text);
  return { dir, notebook };
}
