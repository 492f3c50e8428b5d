/** Small fleet-test projects on the test phases (o_* from the orchestrate tests, f_hold). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../orchestrate/testPhases';
import './fleetPhases';
import { TEST_PHASES } from '../orchestrate/testPhases';
import { FLEET_PHASES } from './fleetPhases';
import { PipelineSession, type SessionOptions } from '../../../core/engine/session';
import { silentLogger } from '../../../core/log';

export const FAN = `# %% o_src src
path: x.csv

# %% o_scale
scenarios: [double, triple]

# %% o_fit
models: [mean, max]
`;

/** Two held branches: f_hold[double] writes started-2, f_hold[triple] started-3, both wait for 'go'. */
export const HELD = `# %% o_src src
path: x.csv

# %% o_scale
scenarios: [double, triple]

# %% f_hold
gate: go
`;

export function project(text: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-fleet-'));
  writeFileSync(join(dir, 'x.csv'), 'x\n1\n2\n3\n4\n');
  const path = join(dir, 'nb.pipeline');
  writeFileSync(path, text);
  return { dir, path };
}

export function session(p: { path: string }, opts: Partial<SessionOptions> = {}): PipelineSession {
  return new PipelineSession(readFileSync(p.path, 'utf8'), {
    notebookPath: p.path,
    log: silentLogger,
    preload: [TEST_PHASES, FLEET_PHASES],
    ...opts,
  });
}

export const until = async (ok: () => boolean): Promise<void> => {
  while (!ok()) await new Promise((r) => setTimeout(r, 50));
};
