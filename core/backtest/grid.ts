/**
 * Parameter search over portfolio settings: a grid `{ threshold: [0, 0.1], fee_bps: [5, 10] }`
 * expands to every combination (first key varies slowest), one portfolio container each.
 */
import { UserError } from '../errors';
import { closest, didYouMean } from '../base/schema';
import type { ParamValue } from './container';
import { DIRECTIONS, POSITION_MODES, type PortfolioSettings } from './types';

export const GRID_KEYS = ['mode', 'center', 'threshold', 'direction', 'fee_bps', 'slippage_bps'] as const;
export type GridKey = (typeof GRID_KEYS)[number];
export type PortfolioGrid = Partial<Record<GridKey, ParamValue[]>>;

export interface GridPoint {
  id: string;
  params: Record<string, ParamValue>;
  settings: PortfolioSettings;
}

/** Container id of the i-th portfolio (0-based): portfolio_001, portfolio_002, ... */
export function portfolioId(i: number): string {
  return `portfolio_${String(i + 1).padStart(3, '0')}`;
}

function checkValue(key: GridKey, v: ParamValue, cell?: string): void {
  const where = { cell, key: `grid.${key}` };
  if (key === 'mode' || key === 'direction') {
    const allowed: readonly string[] = key === 'mode' ? POSITION_MODES : DIRECTIONS;
    if (typeof v !== 'string' || !allowed.includes(v))
      throw new UserError(`grid value ${JSON.stringify(v)} is not a ${key}`, where, [`${key}: ${allowed.join(', ')}`]);
    return;
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new UserError(`grid value ${JSON.stringify(v)} must be a number`, where);
  if ((key === 'fee_bps' || key === 'slippage_bps' || key === 'threshold') && v < 0)
    throw new UserError(`grid value ${v} must be >= 0`, where);
}

/** Every combination of the grid applied to `base`; one point (the base) for an empty grid. */
export function expandGrid(base: PortfolioSettings, grid: PortfolioGrid = {}, cell?: string): GridPoint[] {
  const keys = Object.keys(grid);
  for (const k of keys) {
    if (!(GRID_KEYS as readonly string[]).includes(k)) {
      const near = closest(k, GRID_KEYS);
      throw new UserError(`grid key '${k}' is not a portfolio setting${didYouMean(near)}`, { cell, key: 'grid' }, [
        `grid keys: ${GRID_KEYS.join(', ')}`,
      ]);
    }
    const values = grid[k as GridKey]!;
    if (!Array.isArray(values) || !values.length)
      throw new UserError(`grid.${k} needs a non-empty list of values`, { cell, key: `grid.${k}` });
    for (const v of values) checkValue(k as GridKey, v, cell);
  }
  let points: Record<string, ParamValue>[] = [{}];
  for (const k of keys) points = points.flatMap((p) => grid[k as GridKey]!.map((v) => ({ ...p, [k]: v })));
  return points.map((params, i) => ({
    id: portfolioId(i),
    params,
    settings: { ...base, ...params } as PortfolioSettings,
  }));
}
