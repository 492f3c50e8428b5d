/**
 * Importing this module registers every built-in phase kind. Each phase module calls
 * registerPhase() at load; add one import line per phase module here.
 */
export { getPhase, phaseKinds, allPhases, COMMON_KEYS, SETTINGS_KIND, SETTINGS_KEYS } from '../spec/registry';
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
