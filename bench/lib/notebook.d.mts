export interface PhaseCell {
  kind: string;
  name: string;
  config: Record<string, unknown>;
}
export interface ReferenceConfig {
  seed: number;
  lags: number[];
  windows: number[];
  horizon: number;
  n_splits: number;
  pct_embargo: number;
  params: { ridge: Record<string, number>; logistic: Record<string, number>; gbdt: Record<string, number> };
  bootstrap: number;
  meta_C: number;
}
export function phaseCells(text: string): PhaseCell[];
export function referenceConfig(text: string): ReferenceConfig;
