/**
 * The results layout of one phase (or one window of a phase), docs/design.md §5.7
 * (`results/[{results_dir}/]{workflow_id}/{phase}/[{window_id}/]`):
 *   {container_id}_results.json    one per portfolio container, written when it finishes
 *   all_trades.json                every container's trades (with container_id), streamed
 *   aggregate_results.json         aggregate metrics, total trades, containers tracked
 *   phase_summary.json             phase, timestamp, containers, metrics summary, config
 * JSON files are written atomically (temp + rename); all_trades.json is streamed to a temp file
 * and renamed when the phase finishes, so a half-written phase never shows a complete trade list.
 * With `results_storage: memory` only aggregate_results.json and phase_summary.json are written
 * (the run explorer reads them); containers and trades stay in memory for the next phase.
 * Before notes/002 was followed, container files sat one folder deeper, in `containers/`
 * (OLD_CONTAINERS_DIR); the run index and the dashboard still read that layout.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runs/atomicWrite';
import type { AggregateMetrics } from '../aggregate';
import type { ContainerResults } from '../container';
import type { ResultsSettings } from '../resultsSettings';

/** Where container files were in the layout before notes/002 (still read, never written). */
export const OLD_CONTAINERS_DIR = 'containers';
export const AGGREGATE_FILE = 'aggregate_results.json';
export const TRADES_FILE = 'all_trades.json';
export const SUMMARY_FILE = 'phase_summary.json';

/** A container without trades (a Monte Carlo batch). */
export interface BatchResults {
  container_id: string;
  trades?: undefined;
  [key: string]: unknown;
}

export const containerFile = (id: string): string => `${id}_results.json`;

/** What a caller gives for phase_summary.json; the writer adds timestamp, containers and metrics. */
export interface StageSummaryInput {
  phase: string;
  window_id?: string;
  config: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface StageSummary extends StageSummaryInput {
  timestamp: string;
  containers: string[];
  metrics_summary: Record<string, unknown>;
}

const TRADE_CHUNK = 5000;

export class StageDirWriter {
  private trades?: FileHandle;
  private tradesTemp?: string;
  private tradeCount = 0;
  private readonly containerIds: string[] = [];

  private constructor(
    readonly dir: string,
    private readonly storage: ResultsSettings['results_storage'],
  ) {}

  static async open(dir: string, storage: ResultsSettings['results_storage']): Promise<StageDirWriter> {
    await mkdir(dir, { recursive: true });
    const w = new StageDirWriter(dir, storage);
    if (storage === 'disk') {
      w.tradesTemp = join(dir, `.tmp-${TRADES_FILE}-${randomBytes(3).toString('hex')}`);
      w.trades = await open(w.tradesTemp, 'w');
      await w.trades.write('[');
    }
    return w;
  }

  get containers(): readonly string[] {
    return this.containerIds;
  }

  get totalTrades(): number {
    return this.tradeCount;
  }

  /** Records a finished container: its results file and its trades (disk), or just its id (memory). */
  async writeContainer(c: ContainerResults | BatchResults): Promise<void> {
    this.containerIds.push(c.container_id);
    const trades = c.trades ?? [];
    if (this.storage !== 'disk') {
      this.tradeCount += trades.length;
      return;
    }
    await writeFileAtomic(join(this.dir, containerFile(c.container_id)), JSON.stringify(c, null, 1) + '\n');
    for (let i = 0; i < trades.length; i += TRADE_CHUNK) {
      const part = trades
        .slice(i, i + TRADE_CHUNK)
        .map(
          (t, j) =>
            (this.tradeCount + i + j === 0 ? '\n' : ',\n') + JSON.stringify({ container_id: c.container_id, ...t }),
        );
      await this.trades!.write(part.join(''));
    }
    this.tradeCount += trades.length;
  }

  /** Writes the aggregate and the summary last; returns the summary written. */
  async finish(
    aggregate: AggregateMetrics | Record<string, unknown>,
    summary: StageSummaryInput,
  ): Promise<StageSummary> {
    if (this.trades) {
      await this.trades.write(this.tradeCount ? '\n]\n' : ']\n');
      await this.trades.close();
      this.trades = undefined;
      await rename(this.tradesTemp!, join(this.dir, TRADES_FILE));
    }
    await writeFileAtomic(
      join(this.dir, AGGREGATE_FILE),
      JSON.stringify(
        { aggregate_metrics: aggregate, total_trades: this.tradeCount, containers_tracked: this.containerIds.length },
        null,
        2,
      ) + '\n',
    );
    const full: StageSummary = {
      ...summary,
      timestamp: new Date().toISOString(),
      containers: [...this.containerIds],
      metrics_summary: aggregate as unknown as Record<string, unknown>,
    };
    await writeFileAtomic(join(this.dir, SUMMARY_FILE), JSON.stringify(full, null, 2) + '\n');
    return full;
  }

  /** Closes the trade stream without publishing it (a failed phase). */
  async abort(): Promise<void> {
    if (this.trades) {
      await this.trades.close().catch(() => undefined);
      this.trades = undefined;
    }
  }
}
