/**
 * The grid webview (IIFE bundle dist/webview/table.js): a Parquet/IPC/CSV file opened with "Phasebook
 * table" and "Query metrics" results, in the notebook renderer's virtualised grid (sort, dtype badges,
 * column stats). Posts `ready`, draws each `table` message, then reports the header it drew.
 */
import { tableFromIPC } from 'apache-arrow';
import css from '../styles.css';
import type { HostToTableView, TableViewToHost } from '../../extension/dashboard/protocol';
import { adoptCss, el } from '../dom';
import { connectHost } from '../dashboard/host';
import { FrameGrid } from '../grid/frameGrid';
import { progress } from '../ui';

adoptCss(css);
const host = connectHost<HostToTableView, TableViewToHost>();
const root = el('div', 'pb-root pb-table-view');
document.body.append(root);
root.append(progress('Reading the table…'));
let grid: FrameGrid | undefined;

host.onMessage((m) => {
  switch (m.type) {
    case 'table': {
      grid?.dispose();
      grid = undefined;
      const t = m.table;
      const table = tableFromIPC(t.ipc);
      const head = el(
        'div',
        'pb-table-source',
        el('strong', undefined, t.source),
        t.detail ? el('code', undefined, t.detail) : undefined,
      );
      root.replaceChildren(head);
      if (!table.numCols) {
        root.append(el('p', 'pb-empty', 'The result has no rows.'));
      } else {
        // The grid fills the panel below the source line and its own bar.
        const height = Math.max(160, window.innerHeight - 96);
        grid = new FrameGrid(root, table, { title: t.title, totalRows: t.totalRows, height });
      }
      const header = Array.from(root.querySelectorAll<HTMLElement>('.pb-grid-hcell'));
      host.post({
        type: 'rendered',
        columns: header.map((c) => c.querySelector('.pb-grid-name')?.textContent ?? ''),
        dtypes: header.map((c) => c.querySelector('.pb-tag')?.textContent ?? ''),
        rows: table.numRows,
      });
      break;
    }
    case 'loading':
      if (!grid) root.replaceChildren(progress(m.message));
      break;
    case 'error':
      grid?.dispose();
      grid = undefined;
      root.replaceChildren(el('div', 'pb-error', m.message));
      host.post({ type: 'rendered', columns: [], dtypes: [], rows: 0, error: m.message });
      break;
  }
});
window.addEventListener('error', (e) => host.post({ type: 'log', level: 'error', message: String(e.message) }));
host.post({ type: 'ready' });
