/**
 * The message contract between the host and the Pipeline graph webview (docs/design.md §10.8). Imported by both
 * sides; discriminated unions on `type`. The webview posts `ready` first, then `rendered` after every drawing (what
 * it shows, so the host suite can check the drawing and not only what was sent).
 */
import type { GraphEdge } from '../../core/orchestrate/pipelineGraph';
import type { NodeFacts, NodeState } from '../kernel/nodeStates';

export type { NodeFacts, NodeState };

/** The causality audit's verdict on a cell (extension/audit). */
export type AuditVerdict = 'look-ahead' | 'clean' | 'inconclusive';

export interface GraphBranchView extends NodeFacts {
  name: string;
  label: string;
}

export interface GraphNodeView extends NodeFacts {
  name: string;
  kind: string;
  fansOut: boolean;
  blockedByCycle: boolean;
  branches: GraphBranchView[];
  audit?: AuditVerdict;
}

export type GraphHostToWebview =
  | { type: 'graph'; notebook: string; nodes: GraphNodeView[]; edges: GraphEdge[]; cycles: string[][] }
  | { type: 'empty'; message: string };

export type GraphWebviewToHost =
  | { type: 'ready' }
  | { type: 'reveal'; cell: string }
  | { type: 'runToHere'; cell: string }
  | { type: 'runFromHere'; cell: string }
  | { type: 'rendered'; notebook: string; nodes: { name: string; state: NodeState; expanded: boolean }[] }
  | { type: 'log'; level: 'error' | 'warn' | 'info'; message: string };

const CELL_MESSAGES = new Set(['reveal', 'runToHere', 'runFromHere']);

/** Narrows an untrusted message from the graph webview to the contract (unknown shapes are dropped). */
export function isGraphWebviewMessage(m: unknown): m is GraphWebviewToHost {
  if (!m || typeof m !== 'object') return false;
  const x = m as Record<string, unknown>;
  if (x.type === 'ready') return true;
  if (typeof x.type === 'string' && CELL_MESSAGES.has(x.type)) return typeof x.cell === 'string';
  if (x.type === 'rendered') return typeof x.notebook === 'string' && Array.isArray(x.nodes);
  if (x.type === 'log') return typeof x.message === 'string' && ['error', 'warn', 'info'].includes(String(x.level));
  return false;
}
