/** core/charts: vega-lite spec builders per phase / run kind, chart aggregates and LTTB. DOM- and polars-free. */
export * from './types';
export * from './lttb';
export * from './stats';
export * from './metrics';
export * from './compare';
export * from './runCharts';
export { nullRateChart, anomalyChart, type NullRateRow, type AnomalyRow } from './specs/validate';
export { featureDistributionsChart, featureCorrelationChart } from './specs/features';
export { splitTimelineChart, SPLIT_COLORS } from './specs/split';
export { cvFoldScoresChart, foldMetrics, metricTitle, type FoldScore } from './specs/cv';
export { cpcvTimelineChart, CPCV_COLORS } from './specs/cpcv';
export { pboLogitChart } from './specs/pbo';
export { metaWeightsChart } from './specs/stack';
export {
  evaluateCharts,
  predVsTrueChart,
  residualHistogramChart,
  residualsVsPredictedChart,
  rocChart,
  calibrationChart,
  SCATTER_LIMIT,
  type EvaluateInput,
} from './specs/evaluate';
export { equityChart, EQUITY_POINTS, type EquitySeries } from './specs/backtest';
export { rocOverlayChart, cvOverlayChart, residualOverlayChart } from './specs/overlay';
export * from './rows';
