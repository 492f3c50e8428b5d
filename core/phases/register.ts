/**
 * Importing this module registers every built-in phase kind (docs/design.md §5.1): their light schemas
 * (specs/all.ts), then each phase module's runnable spec (registerPhase() at load); add one import line per phase
 * module here. Kinds are looked up in core/spec/registry.ts.
 */
import './specs/all';
import './features';
import './labels';
import './split';
import './scale';
import './preprocess';
import './export';
import './import';
import './cv';
import './load';
import './validate';
import './align';
import './stack';
import './train';
import './evaluate';
import './backtest';
import './walk_forward';
import './monte_carlo';
import './scenario_compare';
import './report';
