/** Ensemble <-> JSON: flat typed arrays as base64 (little-endian, as the platform stores them). */
import { decodeF64, encodeF64 } from '../model';
import type { Ensemble } from './ensemble';

export interface EnsembleJSON {
  outputs: number;
  trees: number;
  nodes: number;
  roots: string;
  feature: string;
  threshold: string;
  left: string;
  defaultLeft: string;
  value: string;
  gain: string;
}

function encodeBytes(a: Int32Array | Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decodeI32(s: string): Int32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Int32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function ensembleToJSON(e: Ensemble): EnsembleJSON {
  return {
    outputs: e.outputs,
    trees: e.roots.length,
    nodes: e.feature.length,
    roots: encodeBytes(e.roots),
    feature: encodeBytes(e.feature),
    threshold: encodeF64(e.threshold),
    left: encodeBytes(e.left),
    defaultLeft: encodeBytes(e.defaultLeft),
    value: encodeF64(e.value),
    gain: encodeF64(e.gain),
  };
}

/** Decode and check the arrays fit together; `where` names the model in error messages. */
export function ensembleFromJSON(j: EnsembleJSON, nFeatures: number, where: string): Ensemble {
  const e: Ensemble = {
    outputs: j.outputs,
    roots: decodeI32(j.roots),
    feature: decodeI32(j.feature),
    threshold: decodeF64(j.threshold),
    left: decodeI32(j.left),
    defaultLeft: new Uint8Array(Buffer.from(j.defaultLeft, 'base64')),
    value: decodeF64(j.value),
    gain: decodeF64(j.gain),
  };
  const n = e.feature.length;
  const ok =
    Number.isInteger(e.outputs) &&
    e.outputs >= 1 &&
    e.roots.length === j.trees &&
    n === j.nodes &&
    [e.threshold, e.left, e.defaultLeft, e.value, e.gain].every((a) => a.length === n) &&
    e.roots.every((r) => r >= 0 && r < n) &&
    e.feature.every((f, i) => f < nFeatures && (f < 0 || (e.left[i] > i && e.left[i] + 1 < n)));
  if (!ok) throw new Error(`${where}: corrupt tree arrays in saved model`);
  return e;
}
