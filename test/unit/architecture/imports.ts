/**
 * The import graph of the product (core/, extension/, webview/) read with the TypeScript compiler:
 * static imports and re-exports, `import type`, `import('x')`, `require('x')` and `import('x').T`
 * type references all count as edges. Pure functions over the graph find cycles and rule breaks;
 * docs/design.md §2 (module map) explains the layers the rules enforce.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Repository-relative path of the importing file (forward slashes). */
  from: string;
  /** The specifier as written. */
  spec: string;
  /** Repository-relative path of the imported file, or undefined for a package / unresolved path. */
  to?: string;
  typeOnly: boolean;
  line: number;
}

const posix = (p: string): string => p.split(sep).join('/');

export function productFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(posix(relative(root, p)));
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return out.sort();
}

function resolveSpec(root: string, from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(root, dirname(from), spec);
  // An exact file (a stylesheet the bundler inlines, say), else the module TypeScript would pick.
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return posix(relative(root, c));
  }
  return undefined;
}

/** Every import-like reference in one file. */
export function importsOf(root: string, file: string, text = readFileSync(join(root, file), 'utf8')): ImportEdge[] {
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const edges: ImportEdge[] = [];
  const add = (lit: ts.Node, typeOnly: boolean): void => {
    if (!ts.isStringLiteralLike(lit)) return;
    const line = sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1;
    edges.push({ from: file, spec: lit.text, to: resolveSpec(root, file, lit.text), typeOnly, line });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const allTypes =
        !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      const named = n.exportClause && ts.isNamedExports(n.exportClause) ? n.exportClause.elements : undefined;
      add(n.moduleSpecifier, n.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      add(n.moduleReference.expression, n.isTypeOnly);
    } else if (ts.isCallExpression(n) && n.arguments.length === 1) {
      const callee = n.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require'))
        add(n.arguments[0], false);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
      add(n.argument.literal, true);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return edges;
}

/** Strongly connected components of more than one file (and files importing themselves). */
export function findCycles(edges: readonly ImportEdge[]): string[][] {
  const out = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!e.to) continue;
    if (!out.has(e.from)) out.set(e.from, new Set());
    if (!out.has(e.to)) out.set(e.to, new Set());
    out.get(e.from)?.add(e.to);
  }
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of out.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || out.get(v)?.has(v)) cycles.push(c.sort());
    }
  };
  for (const v of [...out.keys()].sort()) if (!index.has(v)) strong(v);
  return cycles;
}

/** The folder a file belongs to for layering: `core/ml/gbdt/x.ts` -> `core/ml`; `core/errors.ts` -> `core`. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

export interface Rules {
  /**
   * Folders lowest first, per tree; a file may import only from its own folder or a lower one of its tree (or core).
   */
  layers: readonly (readonly string[])[];
  /** extension/ modules webview/ may import values from (message and mime contracts). */
  webviewContracts: readonly string[];
}

/** Every edge that breaks a rule, as a readable line. */
export function violations(edges: readonly ImportEdge[], rules: Rules): string[] {
  const rank = new Map<string, number>();
  rules.layers.forEach((group, i) => group.forEach((f) => rank.set(f, i)));
  const bad: string[] = [];
  const at = (e: ImportEdge): string => `${e.from}:${e.line} imports '${e.spec}'`;
  for (const e of edges) {
    const tree = e.from.split('/')[0];
    if (tree === 'core' && e.spec === 'vscode') bad.push(`${at(e)}: core/ is headless and never imports vscode`);
    if (e.spec.startsWith('.') && !e.to) bad.push(`${at(e)}: the path resolves to no file`);
    if (!e.to) continue;
    const target = e.to.split('/')[0];
    if (target === 'test' || target === 'bench') bad.push(`${at(e)}: product code never imports ${target}/`);
    if (tree === 'core' && (target === 'extension' || target === 'webview'))
      bad.push(`${at(e)}: core/ never imports ${target}/`);
    if (tree === 'extension' && target === 'webview')
      bad.push(`${at(e)}: the host never imports webview code (it is bundled for the browser)`);
    if (tree === 'webview' && target === 'extension') {
      if (!e.typeOnly && !rules.webviewContracts.includes(e.to))
        bad.push(
          `${at(e)}: webviews import values from extension/ only through the contracts ` +
            `(${rules.webviewContracts.join(', ')})`,
        );
      continue;
    }
    if (target !== tree) continue;
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === b) continue;
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra === undefined)
      bad.push(`${at(e)}: folder ${a} is in no layer (add it to the layer list in test/unit/architecture.test.ts)`);
    else if (rb === undefined)
      bad.push(`${at(e)}: folder ${b} is in no layer (add it to the layer list in test/unit/architecture.test.ts)`);
    else if (rb >= ra)
      bad.push(`${at(e)}: ${a} (layer ${ra}) may not import ${b} (layer ${rb}); imports go down the layer list`);
  }
  return bad;
}

/** Pairs of folders that import each other (either direction, any kind of import). */
export function twoWayFolders(edges: readonly ImportEdge[]): string[] {
  const seen = new Set<string>();
  for (const e of edges)
    if (e.to && folderOf(e.from) !== folderOf(e.to)) seen.add(`${folderOf(e.from)} -> ${folderOf(e.to)}`);
  const pairs: string[] = [];
  for (const k of seen) {
    const [a, b] = k.split(' -> ');
    if (a < b && seen.has(`${b} -> ${a}`)) pairs.push(`${a} <-> ${b}`);
  }
  return pairs.sort();
}

/**
 * The chain of value imports (static or dynamic; type-only ones are erased) from `file` to the
 * package `pkg`, shortest first, or undefined when `file` never loads it.
 */
export function chainTo(edges: readonly ImportEdge[], file: string, pkg: string): string[] | undefined {
  const from = new Map<string, ImportEdge[]>();
  for (const e of edges) if (!e.typeOnly) from.set(e.from, [...(from.get(e.from) ?? []), e]);
  const prev = new Map<string, string>([[file, '']]);
  const queue = [file];
  while (queue.length) {
    const f = queue.shift() as string;
    for (const e of from.get(f) ?? []) {
      if (e.spec === pkg || e.spec.startsWith(`${pkg}/`)) {
        const chain = [pkg];
        for (let c = f; c; c = prev.get(c) ?? '') chain.unshift(c);
        return chain;
      }
      if (e.to && !prev.has(e.to)) {
        prev.set(e.to, f);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}
