/**
 * Search spaces as models declare them (ModelFactory.space): a numeric range [low, high, scale]
 * with scale 'log' | 'linear' | 'int', or a list of choices. Numeric ranges are searched in an
 * internal coordinate: ln(x) for 'log', x for 'linear', and x on [low - 0.5, high + 0.5] for
 * 'int' (rounded back), so every integer gets the same share of the range.
 */
import { UserError } from '../../errors';
import type { ModelFactory, Params } from '../model';
import type { SeededRng as Rng } from '../rng';

export type SearchSpace = NonNullable<ModelFactory['space']>;
export type Domain = SearchSpace[string];
export type Scale = 'log' | 'linear' | 'int';
export type NumericDomain = readonly [number, number, Scale];
export type Choice = string | number | boolean;

const SCALES: readonly string[] = ['log', 'linear', 'int'];

export function isNumericDomain(d: Domain): d is NumericDomain {
  return (
    d.length === 3 &&
    typeof d[0] === 'number' &&
    typeof d[1] === 'number' &&
    typeof d[2] === 'string' &&
    SCALES.includes(d[2])
  );
}

/** A space a user (or a model) got wrong names the parameter. */
export function checkSpace(space: SearchSpace): void {
  for (const [name, d] of Object.entries(space)) {
    const key = `space.${name}`;
    if (isNumericDomain(d)) {
      const [lo, hi, scale] = d;
      if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
        throw new UserError(`range of '${name}' must have low < high, got [${lo}, ${hi}]`, { key });
      }
      if (scale === 'log' && lo <= 0)
        throw new UserError(`log range of '${name}' must be above 0, got low ${lo}`, { key });
      if (scale === 'int' && !(Number.isInteger(lo) && Number.isInteger(hi))) {
        throw new UserError(`int range of '${name}' needs whole-number bounds, got [${lo}, ${hi}]`, { key });
      }
    } else if (d.length === 0) {
      throw new UserError(`'${name}' has no choices`, { key });
    }
  }
}

/** Bounds of the internal coordinate. */
export function internalBounds(d: NumericDomain): [number, number] {
  const [lo, hi, scale] = d;
  if (scale === 'log') return [Math.log(lo), Math.log(hi)];
  if (scale === 'int') return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

export function toInternal(d: NumericDomain, value: number): number {
  return d[2] === 'log' ? Math.log(value) : value;
}

export function fromInternal(d: NumericDomain, u: number): number {
  const [lo, hi, scale] = d;
  const v = scale === 'log' ? Math.exp(u) : scale === 'int' ? Math.round(u) : u;
  return Math.min(hi, Math.max(lo, v));
}

export function sampleUniform(space: SearchSpace, rng: Rng): Params {
  const out: Params = {};
  for (const [name, d] of Object.entries(space)) {
    if (isNumericDomain(d)) {
      const [a, b] = internalBounds(d);
      out[name] = fromInternal(d, a + (b - a) * rng.next());
    } else {
      out[name] = (d as readonly Choice[])[rng.int(d.length)];
    }
  }
  return out;
}
