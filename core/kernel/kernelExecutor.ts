/**
 * The kernel's executor (docs/design.md §4.9, §8): chosen before each run from the notebook's `executor:` settings
 * block, then the VS Code settings `phasebook.executor.*` the host sent with `open` (the block wins, field by field).
 * The same choice as the CLI's (core/engine/executorChoice.ts); a bad choice is a UserError naming the settings
 * cell's line or the setting. The opened executor (and a fleet's artifact store) is kept while the choice stays.
 */
import { executorChoiceKey, openExecutor, resolveExecutor, type ExecutorChoice } from '../engine/executorChoice';
import type { OpenedExecutor } from '../engine/executorChoice';
import { kernelExecutorSources } from '../engine/executorSettings';
import type { PipelineSession } from '../engine/session';
import type { Executor } from '../orchestrate/executor';

export class KernelExecutor {
  private current?: { key: string; opened: OpenedExecutor };

  constructor(private readonly settings: ExecutorChoice | undefined) {}

  /** The executor for the session's next run (undefined: the engine's default, in process or the local pool). */
  choose(session: PipelineSession): Executor | undefined {
    const { sources, fail } = kernelExecutorSources(session.parsed, session.notebookPath, this.settings);
    const resolved = resolveExecutor(sources, fail);
    const key = executorChoiceKey(resolved);
    if (this.current?.key === key) return this.current.opened.executor;
    void this.close();
    // A relative store is relative to the notebook's folder (the CLI's: to where it was started).
    const opened = openExecutor(resolved, sources, { cwd: session.baseDir }, fail);
    this.current = { key, opened };
    return opened.executor;
  }

  async close(): Promise<void> {
    const store = this.current?.opened.store;
    this.current = undefined;
    await store?.close();
  }
}
