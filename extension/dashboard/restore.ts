/** Which run folders a dashboard or compare panel restored after a window reload shows. Pure. */

export const DASHBOARD_VIEW_TYPE = 'phasebook.dashboard';
export const COMPARE_VIEW_TYPE = 'phasebook.compare';

/**
 * The run folders a restored panel showed (the state its webview saved), or undefined when the state
 * is not one a dashboard wrote: then the panel is closed rather than left blank.
 */
export function restoredPanel(
  viewType: string,
  state: unknown,
): { mode: 'run' | 'compare'; dirs: string[] } | undefined {
  const mode = viewType === DASHBOARD_VIEW_TYPE ? 'run' : viewType === COMPARE_VIEW_TYPE ? 'compare' : undefined;
  const dirs = (state as { dirs?: unknown } | null | undefined)?.dirs;
  if (!mode || !Array.isArray(dirs) || !dirs.every((d) => typeof d === 'string' && d.length > 0)) return undefined;
  if (mode === 'run' ? dirs.length !== 1 : dirs.length < 2) return undefined;
  return { mode, dirs: dirs as string[] };
}
