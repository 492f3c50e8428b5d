/**
 * The architecture, enforced (docs/design.md §2): no import cycle (type-only and dynamic imports
 * count), core/ never imports vscode, product code never imports test/, webviews import values
 * from extension/ only through the contracts, and every import goes down the layer list below.
 * A failure names the file, line and specifier at fault.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  chainTo,
  findCycles,
  importsOf,
  productFiles,
  twoWayFolders,
  violations,
  type ImportEdge,
  type Rules,
} from './architecture/imports';

const root = join(__dirname, '..', '..');

/**
 * Lowest first. A folder imports only its own folder and folders above it in this list (of its tree; any tree may
 * import core).
 */
export const RULES: Rules = {
  layers: [
    // core: the headless engine
    ['core'], // errors.ts, log.ts, version.ts
    ['core/base'], // key specs and "did you mean", hashing, output and matrix types
    ['core/stats'], // selection statistics (PSR, DSR, PBO, MinBTL): pure math
    ['core/runs'], // run folders, ids, roots, manifests on disk
    ['core/experiments'], // the experiments table: rows, changed columns, filter, sort, group (pure)
    ['core/charts'], // vega-lite spec builders
    ['core/frame'], // datasets, readers, contracts, feature sets
    ['core/spec'], // what a phase kind is (PhaseSpec, PhaseResult) and the registry of kinds
    ['core/notebook'], // the .pipeline format: parse, cells, DAG
    ['core/ml'], // models, CV, stacking, tuning
    ['core/backtest'], // positions, P&L, walk-forward, Monte Carlo
    ['core/graph'], // cache keys, result store, running one cell, execution events
    ['core/store'], // the content-addressed artifact store (directory, S3)
    ['core/orchestrate'], // fan-out, jobs, executors, records of executions
    ['core/reports'], // report and comparison rendering
    ['core/phases'], // the phase kinds (registered into core/spec/registry.ts)
    ['core/audit'], // the causality auditor: perturb the future, recompute data cells, compare the past
    ['core/engine'], // PipelineSession, the pool worker's entry
    ['core/kernel'], // the child process the extension talks to
    ['core/demo'],
    ['core/cli'], // the `phasebook` command
    // webview: bundled for the browser
    ['webview'], // dom.ts, ui.ts
    ['webview/chart'],
    ['webview/grid'],
    ['webview/dashboard'],
    ['webview/experiments'],
    ['webview/graph'], // the Pipeline graph's SVG drawing
    ['webview/renderer'],
    ['webview/entries'],
    // extension: the VS Code host
    ['extension/base', 'extension/util'],
    ['extension/notebook'],
    ['extension/audit'], // the causality audit's diagnostics and cell badges
    ['extension/kernel'],
    ['extension/dashboard', 'extension/explorer'],
    ['extension/experiments'], // the experiments table panel
    ['extension/graph'], // the Pipeline graph panel
    ['extension/codelens'],
    ['extension/commands'],
    ['extension'], // extension.ts (activate), api.ts, testHook.ts
  ],
  webviewContracts: [
    'extension/dashboard/protocol.ts',
    'extension/experiments/protocol.ts',
    'extension/graph/protocol.ts',
  ],
};

const files = productFiles(root, ['core', 'extension', 'webview']);
const edges: ImportEdge[] = files.flatMap((f) => importsOf(root, f));

test('the product has no import cycle (type-only and dynamic imports count)', () => {
  const cycles = findCycles(edges);
  assert.deepEqual(
    cycles.map((c) => c.join(' <-> ')),
    [],
  );
});

test(
  'the product keeps its layers: no core -> vscode, no product -> test, webview -> extension only through ' +
    'contracts, imports go down the layer list',
  () => {
    assert.deepEqual(violations(edges, RULES), []);
  },
);

test('no two folders import each other', () => {
  assert.deepEqual(twoWayFolders(edges), []);
});

test('every folder of the product is in the layer list', () => {
  const listed = new Set(RULES.layers.flat());
  const folders = new Set(
    files.map((f) => (f.split('/').length > 2 ? f.split('/').slice(0, 2).join('/') : f.split('/')[0])),
  );
  assert.deepEqual(
    [...folders].filter((f) => !listed.has(f)),
    [],
  );
});

/** The host's language features (completion, hovers, diagnostics, Quick Fixes) and what they parse with. */
const LANGUAGE_FEATURES = [
  'extension/notebook/languageFeatures.ts',
  'extension/notebook/diagnostics.ts',
  'extension/notebook/quickFixes.ts',
  'extension/notebook/models.ts',
  'core/phases/specs/all.ts',
];

test("the host's language features never load nodejs-polars (they read the light phase schemas)", () => {
  assert.deepEqual(LANGUAGE_FEATURES.map((f) => chainTo(edges, f, 'nodejs-polars')?.join(' -> ')).filter(Boolean), []);
});

/** Host data reads go through kernel requests (§8): the extension host never loads the data engines. */
const KERNEL_ONLY_PACKAGES = /^(nodejs-polars|sql\.js)(\/|$)/;

function hostDataImports(e: readonly ImportEdge[]): string[] {
  return e
    .filter((x) => x.from.startsWith('extension/') && !x.typeOnly && KERNEL_ONLY_PACKAGES.test(x.spec))
    .map((x) => `${x.from}:${x.line} imports '${x.spec}': the host reads data through a kernel request`);
}

test('extension/ never value-imports nodejs-polars or sql.js (data reads are kernel requests)', () => {
  assert.deepEqual(hostDataImports(edges), []);
  // The rule itself: a dynamic import counts, a type-only import does not.
  const probe = [
    ...fake('extension/dashboard/runReader.ts', "const pl = await import('nodejs-polars');"),
    ...fake('extension/commands/queryCommand.ts', "import initSqlJs from 'sql.js';"),
    ...fake('extension/kernel/outputs.ts', "import type pl from 'nodejs-polars';"),
  ];
  assert.equal(hostDataImports(probe).length, 2, hostDataImports(probe).join('\n'));
});

// The checker itself: each rule catches what it is meant to, on files that exist only here.
const fake = (from: string, text: string): ImportEdge[] => importsOf(root, from, text);

test('the checker sees a cycle hidden behind a dynamic import or a type-only import', () => {
  const a = fake(
    'core/graph/events.ts',
    "export async function f() { return (await import('../engine/session')).PipelineSession; }",
  );
  const b = fake('core/engine/session.ts', "import type { CellOutcome } from '../graph/events';");
  assert.equal(a[0].typeOnly, false);
  assert.equal(b[0].typeOnly, true);
  assert.deepEqual(findCycles([...a, ...b]), [['core/engine/session.ts', 'core/graph/events.ts']]);
  const t = fake('core/base/hash.ts', "type S = import('../engine/session').PipelineSession;");
  assert.equal(t[0].to, 'core/engine/session.ts');
  assert.equal(t[0].typeOnly, true);
});

test('the checker names the file, line and rule of each break', () => {
  const bad = [
    ...fake('core/frame/io.ts', "\nimport * as vscode from 'vscode';"),
    ...fake('core/base/schema.ts', "import { PipelineSession } from '../engine/session';"),
    ...fake('extension/kernel/outputs.ts', "import { x } from '../../test/unit/architecture/imports';"),
    ...fake(
      'webview/renderer/render.ts',
      "import { activate } from '../../extension/extension';\nimport type { RunPayload } from " +
        "'../../extension/dashboard/protocol';",
    ),
    ...fake('core/ml/model.ts', "const r = require('../phases/train');"),
  ];
  const v = violations(bad, RULES);
  assert.equal(v.length, 5, v.join('\n'));
  assert.match(v[0], /^core\/frame\/io\.ts:2 imports 'vscode': core\/ is headless/);
  assert.match(v[1], /core\/base \(layer 1\) may not import core\/engine/);
  assert.match(v[2], /product code never imports test\//);
  assert.match(v[3], /^webview\/renderer\/render\.ts:1 .*only through the contracts/);
  assert.match(v[4], /^core\/ml\/model\.ts:1 imports '\.\.\/phases\/train': core\/ml .* may not import core\/phases/);
});

test('the checker follows value imports, static and dynamic, to a package, and skips type-only ones', () => {
  const e = [
    ...fake('extension/notebook/models.ts', "export const f = () => import('../../core/phases/register');"),
    ...fake('core/phases/register.ts', "import './scale';"),
    ...fake('core/phases/scale.ts', "import type { Series } from 'nodejs-polars';\nimport pl from 'nodejs-polars';"),
    ...fake('core/phases/specs/scale.ts', "import type pl from 'nodejs-polars';"),
  ];
  assert.deepEqual(chainTo(e, 'extension/notebook/models.ts', 'nodejs-polars'), [
    'extension/notebook/models.ts',
    'core/phases/register.ts',
    'core/phases/scale.ts',
    'nodejs-polars',
  ]);
  assert.equal(chainTo(e, 'core/phases/specs/scale.ts', 'nodejs-polars'), undefined);
});

test('the checker lists two-way folder pairs', () => {
  const e = [
    ...fake('core/ml/model.ts', "import type { Dataset } from '../frame/dataset';"),
    ...fake('core/frame/matrix.ts', "import type { TrainedModel } from '../ml/model';"),
  ];
  assert.deepEqual(twoWayFolders(e), ['core/frame <-> core/ml']);
});
