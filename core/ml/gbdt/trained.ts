/** A trained gbdt / forest model: prediction, importance and its JSON form. */
import { UserError } from '../../errors';
import type {
  EarlyStoppingReport,
  FeatureMatrix,
  ModelJSON,
  ModelSnapshot,
  ModelTask,
  Params,
  TrainedModel,
} from '../model';
import { gainImportance, predictMargins, truncateEnsemble, type Ensemble } from './ensemble';
import { forestMean, objectiveFor, type Objective } from './objectives';
import { ensembleFromJSON, ensembleToJSON, type EnsembleJSON } from './serialise';

export const GBDT_FORMAT = 'phasebook-trees/1';

export interface TreeModelState {
  kind: 'gbdt' | 'forest';
  task: ModelTask;
  nClasses?: number;
  features: string[];
  params: Params;
  ensemble: Ensemble;
  baseMargin: Float64Array;
  rounds: number;
  validLoss: number[];
  earlyStopping?: EarlyStoppingReport;
  /** Every round trained (in memory only, not in model.json): for checkpoints past the best round. */
  allRounds?: Ensemble;
}

export function objectiveOf(kind: 'gbdt' | 'forest', task: ModelTask, nClasses: number | undefined): Objective {
  return kind === 'forest' ? forestMean(task, nClasses ?? 2) : objectiveFor(task, nClasses ?? 2);
}

/** Columns of X in the model's feature order, matched by name; a missing feature is a UserError. */
export function alignColumns(X: FeatureMatrix, features: readonly string[], kind: string): Float64Array[] {
  const sameOrder = X.names.length === features.length && X.names.every((n, i) => n === features[i]);
  if (sameOrder) return X.columns;
  const pos = new Map(X.names.map((n, i) => [n, i]));
  const missing = features.filter((f) => !pos.has(f));
  if (missing.length) {
    throw new UserError(
      `${kind} model expects feature(s) ${missing.map((m) => `'${m}'`).join(', ')} missing from the data`,
      { dataColumn: missing[0] },
      [`model features: ${features.join(', ')}`, `data columns: ${X.names.join(', ')}`],
    );
  }
  return features.map((f) => X.columns[pos.get(f) as number]);
}

export class TreeModel implements TrainedModel {
  readonly kind: 'gbdt' | 'forest';
  readonly task: ModelTask;
  readonly nClasses?: number;
  readonly features: string[];
  private readonly objective: Objective;

  constructor(private readonly state: TreeModelState) {
    this.kind = state.kind;
    this.task = state.task;
    this.nClasses = state.nClasses;
    this.features = state.features;
    this.objective = objectiveOf(state.kind, state.task, state.nClasses);
  }

  get rounds(): number {
    return this.state.rounds;
  }

  get trees(): number {
    return this.state.ensemble.roots.length;
  }

  get validLoss(): readonly number[] {
    return this.state.validLoss;
  }

  get earlyStopping(): EarlyStoppingReport | undefined {
    return this.state.earlyStopping;
  }

  /** The model after each boosting round that has a validation loss. */
  snapshots(): ModelSnapshot[] {
    const s = this.state;
    const all = s.allRounds ?? s.ensemble;
    const K = all.outputs;
    const out: ModelSnapshot[] = [];
    for (let r = 0; r < s.validLoss.length && (r + 1) * K <= all.roots.length; r++) {
      out.push({
        step: r,
        score: s.validLoss[r],
        toJSON: () =>
          new TreeModel({
            ...s,
            ensemble: truncateEnsemble(all, (r + 1) * K),
            rounds: r + 1,
            validLoss: s.validLoss.slice(0, r + 1),
            earlyStopping: undefined,
            allRounds: undefined,
          }).toJSON(),
      });
    }
    return out;
  }

  /** Raw margins (before the link function), row-major, one per output. */
  predictMargins(X: FeatureMatrix): Float64Array {
    return predictMargins(
      this.state.ensemble,
      this.state.baseMargin,
      alignColumns(X, this.features, this.kind),
      X.rows,
    );
  }

  predict(X: FeatureMatrix): Float64Array {
    return this.objective.transform(this.predictMargins(X));
  }

  importance(): Record<string, number> {
    const imp = gainImportance(this.state.ensemble, this.features.length);
    return Object.fromEntries(this.features.map((f, j) => [f, imp[j]]));
  }

  toJSON(): ModelJSON {
    const s = this.state;
    return {
      kind: s.kind,
      task: s.task,
      ...(s.nClasses !== undefined ? { nClasses: s.nClasses } : {}),
      features: s.features,
      format: GBDT_FORMAT,
      objective: this.objective.name,
      params: s.params,
      rounds: s.rounds,
      validLoss: s.validLoss,
      ...(s.earlyStopping ? { earlyStopping: s.earlyStopping } : {}),
      baseMargin: Array.from(s.baseMargin),
      trees: ensembleToJSON(s.ensemble),
    };
  }

  static fromJSON(json: ModelJSON, kind: 'gbdt' | 'forest'): TreeModel {
    if (json.kind !== kind) throw new UserError(`not a ${kind} model: kind is '${json.kind}'`, { key: 'kind' });
    if (json.format !== GBDT_FORMAT)
      throw new UserError(
        `unsupported ${kind} model format ${JSON.stringify(json.format)} (expected '${GBDT_FORMAT}')`,
        { key: 'format' },
      );
    const trees = json.trees as EnsembleJSON;
    const baseMargin = Float64Array.from(json.baseMargin as number[]);
    const ensemble = ensembleFromJSON(trees, json.features.length, `${kind} model`);
    if (baseMargin.length !== ensemble.outputs)
      throw new Error(`${kind} model: baseMargin has ${baseMargin.length} values for ${ensemble.outputs} outputs`);
    return new TreeModel({
      kind,
      task: json.task,
      nClasses: json.nClasses,
      features: json.features,
      params: (json.params ?? {}) as Params,
      ensemble,
      baseMargin,
      rounds: Number(json.rounds ?? 0),
      validLoss: (json.validLoss as number[] | undefined) ?? [],
      ...(json.earlyStopping ? { earlyStopping: json.earlyStopping as EarlyStoppingReport } : {}),
    });
  }
}
