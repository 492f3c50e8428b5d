/** The report's section on selection: the compare cell's ledger statistics and the PBO logit figure (SVG). */
import { join, relative } from 'node:path';
import { pboLogitChart } from '../charts';
import type { Logger } from '../log';
import { renderChartSvg } from '../reports/svg';
import { writeWithRetry } from '../reports/write';
import { selectionMarkdown, type SelectionOutcome } from './selection';

export const SELECTION_FIGURE = 'figs/selection_pbo_logits.svg';

/** Markdown to append to the evaluation memo; a figure that cannot be written is a warning. */
export async function reportSelectionSection(
  s: SelectionOutcome,
  dir: string,
  log: Logger,
  warnings: string[],
): Promise<{ markdown: string; figure?: string }> {
  let md = selectionMarkdown(s);
  const pbo = s.report.pbo;
  if (!pbo) return { markdown: md };
  const path = join(dir, SELECTION_FIGURE);
  try {
    const { svg } = await renderChartSvg(pboLogitChart(pbo.logits, pbo.pbo, pbo.trials));
    const w = await writeWithRetry(path, svg, log);
    if (!w.ok) {
      warnings.push(`figure 'PBO logits' missing: ${w.error}`);
      return { markdown: md };
    }
  } catch (e) {
    warnings.push(`figure 'PBO logits' missing: could not render: ${(e as Error).message}`);
    return { markdown: md };
  }
  md += `\n![Distribution of the CSCV logits (PBO ${pbo.pbo.toFixed(2)})](${relative(dir, path)})\n`;
  return { markdown: md, figure: path };
}
