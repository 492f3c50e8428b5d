/** Bootstrap intervals on time-ordered rows: moving-block over bars by default, iid when asked by name. */
export {
  bootstrapCI,
  bootstrapDifference,
  bootstrapMetrics,
  bootstrapStatistics,
  describeBootstrap,
  quantileSorted,
  type BootstrapCI,
  type BootstrapOptions,
  type BootstrapRecord,
  type Interval,
  type Statistic,
} from './ci';
export {
  defaultBlock,
  describeResampling,
  makeSampler,
  type BootstrapMethod,
  type Resampling,
  type ResamplingOptions,
  type Sampler,
} from './resample';
