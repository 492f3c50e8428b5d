/**
 * The run explorer tree: groups by kind -> runs (newest first, paged) -> metrics and artifacts.
 * Children are read lazily when a node expands; a change refreshes only the groups it touched.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CHECKPOINT_FOLDER, recordedCheckpoints } from '../../core/runs/recorded';
import { CommandId } from '../base/commandIds';
import { formatNumber } from '../kernel/outputs';
import { GROUP_LABEL, GROUP_ORDER, groupOf, type RunGroup, type RunIndex } from './runIndex';
import { metricRows, runItemView } from './runItems';

export type RunNode =
  | { type: 'group'; group: RunGroup }
  | { type: 'run'; dir: string }
  | { type: 'more'; group: RunGroup }
  | { type: 'metrics'; dir: string }
  | { type: 'metric'; dir: string; name: string; value: string }
  | { type: 'file'; path: string; isDir: boolean; runDir: string; checkpoint?: CheckpointView };

/** A kept checkpoint file as the tree shows it (from run.json meta.checkpoints). */
export interface CheckpointView {
  step: number;
  score: number;
  rank: number;
  metric: string;
}

/** Runs shown per group before a "show more" row. */
export const PAGE_SIZE = 200;

const TABLE_FILES = /\.(parquet|ipc|arrow|feather|csv)$/i;

export class RunTreeProvider implements vscode.TreeDataProvider<RunNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RunNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly groupNodes = new Map<RunGroup, RunNode & { type: 'group' }>(
    GROUP_ORDER.map((g) => [g, { type: 'group', group: g }]),
  );
  private readonly runNodes = new Map<string, RunNode & { type: 'run' }>();
  private readonly limits = new Map<RunGroup, number>();
  private shownGroups = '';
  private readonly disposeIndexListener: { dispose(): unknown };

  constructor(private readonly index: RunIndex) {
    this.disposeIndexListener = index.onChange.on((change) => {
      for (const dir of change.dirs) if (!index.get(dir)) this.runNodes.delete(dir);
      const groups = this.visibleGroups().join(',');
      if (groups !== this.shownGroups) {
        this.emitter.fire(undefined);
        return;
      }
      for (const g of change.groups) this.emitter.fire(this.groupNodes.get(g));
    });
  }

  private visibleGroups(): RunGroup[] {
    return GROUP_ORDER.filter((g) => this.index.group(g).length > 0);
  }

  runNode(dir: string): RunNode & { type: 'run' } {
    let n = this.runNodes.get(dir);
    if (!n) {
      n = { type: 'run', dir };
      this.runNodes.set(dir, n);
    }
    return n;
  }

  showMore(group: RunGroup): void {
    this.limits.set(group, (this.limits.get(group) ?? PAGE_SIZE) + PAGE_SIZE * 5);
    this.emitter.fire(this.groupNodes.get(group));
  }

  refreshAll(): void {
    this.emitter.fire(undefined);
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    switch (node.type) {
      case 'group': {
        const n = this.index.group(node.group).length;
        const item = new vscode.TreeItem(GROUP_LABEL[node.group], vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.group}`;
        item.description = `${n}`;
        item.contextValue = `group group-${node.group}`;
        item.iconPath = new vscode.ThemeIcon(
          node.group === 'cv'
            ? 'beaker'
            : node.group === 'training'
              ? 'layers'
              : node.group === 'backtest'
                ? 'graph-line'
                : 'run-all',
        );
        return item;
      }
      case 'run': {
        const s = this.index.get(node.dir);
        const item = new vscode.TreeItem(s?.id ?? node.dir, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `run:${node.dir}`;
        if (!s) return item;
        const view = runItemView(s);
        item.label = view.label;
        // Screen readers (and the e2e journeys) hear the id too: the label no longer is the id.
        item.accessibilityInformation = { label: `${view.label}, ${view.description}, run ${s.id}` };
        item.description = view.description;
        item.tooltip = view.tooltip;
        item.iconPath = new vscode.ThemeIcon(
          view.icon.id,
          view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined,
        );
        item.contextValue = view.contextValue;
        item.resourceUri = vscode.Uri.file(node.dir);
        item.command = { title: 'Open dashboard', command: CommandId.OpenDashboard, arguments: [node] };
        return item;
      }
      case 'more': {
        const remaining = this.index.group(node.group).length - (this.limits.get(node.group) ?? PAGE_SIZE);
        const item = new vscode.TreeItem(`Show more… (${remaining} older runs)`, vscode.TreeItemCollapsibleState.None);
        item.id = `more:${node.group}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { title: 'Show more runs', command: CommandId.ShowMoreRuns, arguments: [node.group] };
        return item;
      }
      case 'metrics': {
        const item = new vscode.TreeItem('Metrics', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `metrics:${node.dir}`;
        item.iconPath = new vscode.ThemeIcon('symbol-number');
        return item;
      }
      case 'metric': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = `metric:${node.dir}:${node.name}`;
        item.description = node.value;
        item.contextValue = 'metric';
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(
          vscode.Uri.file(node.path),
          node.isDir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `file:${node.path}`;
        item.contextValue = node.isDir
          ? 'artifactFolder'
          : TABLE_FILES.test(node.path)
            ? 'artifact artifactTable'
            : 'artifact';
        if (!node.isDir) item.command = { title: 'Open artifact', command: CommandId.OpenArtifact, arguments: [node] };
        if (node.checkpoint) {
          const c = node.checkpoint;
          item.description = `#${c.rank} · step ${c.step} · ${c.metric} ${formatNumber(c.score)}`;
          item.tooltip =
            `checkpoint ${c.rank === 1 ? '(best) ' : ''}kept at step ${c.step}, ${c.metric} ${c.score}\nOpen ` +
            `checkpoint… copies the from_checkpoint line or the CLI command`;
          item.contextValue = 'artifact checkpoint';
        }
        return item;
      }
    }
  }

  async getChildren(node?: RunNode): Promise<RunNode[]> {
    if (!node) {
      const groups = this.visibleGroups();
      this.shownGroups = groups.join(',');
      return groups.map((g) => this.groupNodes.get(g)!);
    }
    switch (node.type) {
      case 'group': {
        const runs = this.index.group(node.group);
        const limit = this.limits.get(node.group) ?? PAGE_SIZE;
        const page: RunNode[] = runs.slice(0, limit).map((s) => this.runNode(s.dir));
        if (runs.length > limit) page.push({ type: 'more', group: node.group });
        return page;
      }
      case 'run': {
        const s = this.index.get(node.dir);
        const out: RunNode[] = [];
        if (s && metricRows(s).length) out.push({ type: 'metrics', dir: node.dir });
        return [...out, ...(await listFiles(node.dir, node.dir))];
      }
      case 'metrics': {
        const s = this.index.get(node.dir);
        return s ? metricRows(s).map((m) => ({ type: 'metric', dir: node.dir, name: m.name, value: m.value })) : [];
      }
      case 'file':
        if (!node.isDir) return [];
        return node.path === join(node.runDir, CHECKPOINT_FOLDER)
          ? withCheckpoints(await listFiles(node.path, node.runDir), node.runDir)
          : listFiles(node.path, node.runDir);
      default:
        return [];
    }
  }

  getParent(node: RunNode): RunNode | undefined {
    if (node.type === 'run') {
      const s = this.index.get(node.dir);
      return s ? this.groupNodes.get(groupOf(s.kind)) : undefined;
    }
    if (node.type === 'more') return this.groupNodes.get(node.group);
    if (node.type === 'metrics') return this.runNode(node.dir);
    return undefined;
  }

  dispose(): void {
    this.disposeIndexListener.dispose();
    this.emitter.dispose();
  }
}

/** A folder's entries (folders first, no dot-files), read when the node expands. */
async function listFiles(dir: string, runDir: string): Promise<RunNode[]> {
  try {
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
    entries.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name));
    return entries.map((e) => ({ type: 'file', path: join(dir, e.name), isDir: e.isDirectory(), runDir }));
  } catch {
    return [];
  }
}

/** The checkpoints/ folder's files, the kept checkpoints first (best first) with their step and score. */
async function withCheckpoints(files: RunNode[], runDir: string): Promise<RunNode[]> {
  let record: ReturnType<typeof recordedCheckpoints>;
  try {
    record = recordedCheckpoints(runDir, JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')));
  } catch {
    return files;
  }
  if (!record) return files;
  const byPath = new Map(record.kept.map((k) => [k.path, k]));
  const metric = record.metric;
  const decorated = files.map((f): RunNode => {
    const k = f.type === 'file' ? byPath.get(f.path) : undefined;
    return k && f.type === 'file' ? { ...f, checkpoint: { step: k.step, score: k.score, rank: k.rank, metric } } : f;
  });
  const rank = (n: RunNode) => (n.type === 'file' && n.checkpoint ? n.checkpoint.rank : Number.MAX_SAFE_INTEGER);
  return decorated.sort((a, b) => rank(a) - rank(b));
}
