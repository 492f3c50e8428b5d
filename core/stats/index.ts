/**
 * Selection-adjusted statistics (docs/design.md §6.10): PSR, DSR, expected max Sharpe of N trials, PBO by CSCV,
 * MinBTL. Pure.
 */
export { normalCdf, normalPdf, normalQuantile, erfc } from './normal';
export {
  EULER_GAMMA,
  returnMoments,
  sharpeOf,
  probabilisticSharpe,
  expectedMaxStandardNormal,
  expectedMaxSharpe,
  sampleVariance,
  deflatedSharpe,
  minBacktestYears,
  type ReturnMoments,
  type DeflatedSharpe,
} from './sharpe';
export {
  probabilityOfBacktestOverfitting,
  combinations,
  defaultPboGroups,
  type PboOptions,
  type PboResult,
} from './pbo';
export {
  selectionReport,
  selectionLine,
  alignTrials,
  distinctTrials,
  type SelectionTrial,
  type SelectionReport,
} from './selection';
