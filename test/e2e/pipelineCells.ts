// What a user should see for a .pipeline file: one cell per `# %%` marker, in order. Read
// straight from the text (independently of core/notebook) so the journey checks the product.

export interface ExpectedCell {
  /** The marker line without `# %%`, trimmed (e.g. "load prices"). */
  header: string;
  type: 'markdown' | 'code';
  /** The phase kind (first word of the header), e.g. "load"; "md" for markdown. */
  kind: string;
  /** First non-empty body line with markdown syntax stripped (markdown cells only). */
  firstText: string;
}

const MARKER = /^# %%(.*)$/;

export function expectedCells(text: string): ExpectedCell[] {
  const cells: ExpectedCell[] = [];
  let current: ExpectedCell | undefined;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const m = MARKER.exec(line);
    if (m) {
      const header = m[1].trim();
      const kind = header.split(/\s+/)[0] ?? '';
      current = { header, kind, type: kind === 'md' || kind === 'markdown' ? 'markdown' : 'code', firstText: '' };
      cells.push(current);
    } else if (current?.type === 'markdown' && !current.firstText && line.trim()) {
      current.firstText = line.replace(/^#+\s*|[*_`]/g, '').trim();
    }
  }
  return cells;
}
