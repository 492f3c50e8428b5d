/** The keys of a `validate` cell: the light schema (no frame library), for the parser and the editor. */
import { t, unknownName, type ValueProblem } from '../../base/schema';
import { BUILTIN_CONTRACT_NAMES, CHECK_DOCS, CHECK_IDS, POLICIES } from '../../frame/closedLists';

/** A contract string that is neither a built-in nor a .yaml file, before running (resolveContract says the same). */
function checkContract(value: unknown): ValueProblem | undefined {
  if (typeof value !== 'string' || /\.ya?ml$/i.test(value)) return undefined;
  if ((BUILTIN_CONTRACT_NAMES as readonly string[]).includes(value)) return undefined;
  return { path: '', message: `${unknownName('contract', value, BUILTIN_CONTRACT_NAMES)}: a built-in or a .yaml file` };
}

const policyDoc = CHECK_IDS.map((id) => `\`${id}\`: ${CHECK_DOCS[id]}`).join('; ');

export const validateSchema = {
  kind: 'validate',
  doc:
    'Check the upstream frame against a data contract; write artifacts/validation_report.json; fail, warn or ' +
    'quarantine offending rows.',
  needsInput: true,
  keys: {
    contract: {
      type: t.oneOf(t.string(), t.object()),
      check: checkContract,
      suggest: BUILTIN_CONTRACT_NAMES,
      required: true,
      doc:
        `Built-in contract (${BUILTIN_CONTRACT_NAMES.join(', ')}), a .yaml contract file, or an inline mapping ` +
        `{ extends, columns, max_null_rate, ohlc, max_age }.`,
    },
    policy: {
      type: t.oneOf(t.string(POLICIES), t.object(undefined, t.string(POLICIES))),
      doc:
        `fail | warn | quarantine for every check, or per check: { ohlc: quarantine, duplicates: warn }. ` +
        `Default fail. Checks: ${policyDoc}.`,
    },
    max_null_rate: {
      type: t.number({ min: 0, max: 1 }),
      doc: 'Largest allowed share of nulls in any column (overrides the contract; built-ins allow 0.05).',
    },
    max_age: {
      type: t.string(),
      doc: 'Freshness: the newest row of every symbol must be at most this old (`2d`, `36h`), measured against `now`.',
    },
    now: {
      type: t.string(),
      doc: 'The time freshness is measured against (ISO-8601). Default: the wall clock at run time.',
    },
  },
} as const;
