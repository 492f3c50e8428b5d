/**
 * A test-only phase kind for the fleet's fault tests: `f_hold` writes `started-<first x>` in the
 * project folder, then waits until the file named by `gate` exists there (or the cell is
 * cancelled), and scores its input. Fleet workers load this file through the session's preload.
 * On a worker the cell runs in a staging copy of the project whose files are symlinks, so the project
 * folder is found through the notebook's symlink: a side channel of the tests, not how cells write.
 */
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getPhase, registerPhase } from '../../../core/spec/registry';
import { t } from '../../../core/base/schema';
import { emptyResult } from '../../../core/spec/types';

export const FLEET_PHASES = __filename;

if (!getPhase('f_hold')) {
  registerPhase<{ gate: string }>({
    kind: 'f_hold',
    doc: 'waits for a gate file, then scores x',
    needsInput: true,
    keys: { gate: { type: t.string(), doc: 'file to wait for (relative to the project)', required: true } },
    async run(c, inputs, ctx) {
      const x = inputs[0].dataset!.frame.getColumn('x');
      const home = ctx.notebookPath ? dirname(realpathSync(ctx.notebookPath)) : ctx.baseDir;
      writeFileSync(join(home, `started-${Number(x.get(0))}`), String(process.pid));
      while (!existsSync(join(home, String(c.gate))) && !ctx.signal.aborted)
        await new Promise((ok) => setTimeout(ok, 50));
      const v = Number(x.sum());
      return emptyResult({
        dataset: inputs[0].dataset,
        metrics: { score: v, score_ci_low: v - 1, score_ci_high: v + 1 },
      });
    },
  });
}
