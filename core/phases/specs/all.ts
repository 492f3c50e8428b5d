/**
 * Importing this module registers the light schema of every phase kind (kind, doc, needsInput,
 * keys), with no import of the frame library (test/unit/architecture.test.ts checks it): the
 * parser, completion, hovers and diagnostics read these; the runnable phases (core/phases/index.ts)
 * add their run functions. Add one line per phase kind.
 */
import { registerSchema } from '../../spec/registry';
import type { PhaseSchema } from '../../spec/types';
import { alignSchema } from './align';
import { backtestSchema } from './backtest';
import { cvSchema } from './cv';
import { evaluateSchema } from './evaluate';
import { exportSchema } from './export';
import { featuresSchema } from './features';
import { importSchema } from './import';
import { labelsSchema } from './labels';
import { loadSchema } from './load';
import { monteCarloSchema } from './monte_carlo';
import { preprocessSchema } from './preprocess';
import { reportSchema } from './report';
import { scaleSchema } from './scale';
import { scenarioCompareSchema } from './scenario_compare';
import { splitSchema } from './split';
import { stackSchema } from './stack';
import { trainSchema } from './train';
import { validateSchema } from './validate';
import { walkForwardSchema } from './walk_forward';

const PHASE_SCHEMAS: readonly PhaseSchema[] = [
  featuresSchema,
  labelsSchema,
  splitSchema,
  scaleSchema,
  preprocessSchema,
  exportSchema,
  importSchema,
  cvSchema,
  loadSchema,
  validateSchema,
  alignSchema,
  stackSchema,
  trainSchema,
  evaluateSchema,
  backtestSchema,
  walkForwardSchema,
  monteCarloSchema,
  scenarioCompareSchema,
  reportSchema,
];

for (const s of PHASE_SCHEMAS) registerSchema(s);
