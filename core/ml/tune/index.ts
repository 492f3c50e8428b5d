/** Hyper-parameter tuning: random search and TPE, inner (nested) CV on training folds only. */
export { tune, type TuneOptions, type TuneResult, type Trial, type TuneMethod } from './tune';
export {
  innerCvObjective,
  tuneOnFolds,
  type InnerCvOptions,
  type InnerCvObjective,
  type TuneOnFoldOptions,
} from './innerCv';
export { checkSpace, sampleUniform, isNumericDomain, type SearchSpace, type Domain, type NumericDomain } from './space';
export { suggestTpe, goodCount, TPE_DEFAULTS, type Observation, type TpeOptions } from './tpe';
