/** Leakage-safe cross-validation: splitters on time, purging/embargo, out-of-fold predictions. */
export type { Fold, SplitFold } from './types';
export { purgedKFold, type PurgedKFoldOptions } from './purgedKFold';
export { walkForward, type WalkForwardOptions } from './walkForward';
export { labelEndTimes } from './labelEnds';
export {
  crossValidate,
  testFoldOfRows,
  type CvModel,
  type CvProgress,
  type CrossValidateOptions,
  type CrossValidateResult,
  type CvFoldResult,
} from './crossValidate';
export { scorePredictions, primaryMetric, metricDirection, rocAuc, type Scores, type Direction } from './scores';
export { takeRows, takeValues, mapRows } from './rows';
export { SeededRng } from '../rng';
export {
  combinatorialPurgedKFold,
  cpcvTimeline,
  binomial,
  MAX_CPCV_SPLITS,
  type CpcvSegment,
  type CpcvRole,
  type CpcvOptions,
  type CpcvPlan,
  type CpcvSplit,
  type CpcvGroup,
} from './cpcv';
export { crossValidateCpcv, pathsBySplit, type CpcvValidateOptions, type CpcvValidateResult } from './cpcvValidate';
