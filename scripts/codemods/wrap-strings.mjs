#!/usr/bin/env node
// Breaks the string and template literals that Prettier leaves past the lint's width (120) into concatenations
// at word boundaries: 'a long message' -> 'a long ' +\n 'message', and `a ${x} long message` -> `a ${x} ` +\n
// `long message` (split only at spaces outside ${}). The runtime strings are unchanged, so tests that match
// messages still pass. Left alone: literals that are not values (imports, types, property names, enum members),
// tagged templates, literals spanning lines, lines holding an eslint directive, and words longer than a line
// (a URL). Then Prettier lays the concatenations out; a second pass splits what is still too long. Idempotent.
// Usage: node scripts/codemods/wrap-strings.mjs [--check] [files...] (default: every tracked .ts/.tsx/.mjs/.cjs
// file). docs/design.md §12.2.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const WIDTH = 120;
const check = process.argv.includes('--check');
const given = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = given.length
  ? given
  : execFileSync('git', ['ls-files', '*.ts', '*.tsx', '*.mjs', '*.cjs'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);

const kindOf = (f) =>
  f.endsWith('.tsx') ? ts.ScriptKind.TSX : /\.[mc]?js$/.test(f) ? ts.ScriptKind.JS : ts.ScriptKind.TS;

/** A literal that is a value (an expression), not a name, a module specifier or a type. */
function isValue(node) {
  const p = node.parent;
  if (!p) return false;
  if (ts.isLiteralTypeNode(p) || ts.isTemplateLiteralTypeNode?.(p)) return false;
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p)) return false;
  if (ts.isImportTypeNode?.(p) || ts.isModuleDeclaration(p) || ts.isEnumMember(p)) return false;
  if (ts.isTaggedTemplateExpression(p)) return false;
  if ('name' in p && p.name === node) return false; // { 'key': v }, class members, property signatures
  if (ts.isExpressionStatement(p) && ts.isSourceFile(p.parent)) return false; // 'use strict'
  if (ts.isCallExpression(p) && p.expression.kind === ts.SyntaxKind.ImportKeyword) return false;
  if (ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === 'require') return false;
  if (ts.isJsxAttribute?.(p)) return false;
  return true;
}

/** Split points in a literal's raw text: after each space that is not escaped (outside ${} for templates). */
function pieces(raw, width) {
  const words = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    cur += raw[i];
    let slashes = 0;
    for (let j = i - 1; j >= 0 && raw[j] === '\\'; j--) slashes++;
    if (raw[i] === ' ' && slashes % 2 === 0 && raw[i + 1] !== ' ' && i + 1 < raw.length) {
      words.push(cur);
      cur = '';
    }
  }
  if (cur) words.push(cur);
  return fillTokens(words, width);
}

/** The chunks of a template expression's text: `${...}` parts stay whole, split points are spaces between. */
function templateWords(src, node) {
  // Units: literal text (head, middles, tail, without the backtick/`${`/`}` delimiters) and `${expr}` parts.
  const units = [];
  const headText = src.slice(node.head.getStart() + 1, node.head.end - 2);
  units.push({ text: headText, lit: true });
  for (const span of node.templateSpans) {
    units.push({ text: '${' + src.slice(span.expression.getFullStart(), span.expression.end) + '}', lit: false });
    const lit = span.literal;
    const isTail = lit.kind === ts.SyntaxKind.TemplateTail;
    units.push({ text: src.slice(lit.getStart() + 1, lit.end - (isTail ? 1 : 2)), lit: true });
  }
  return units;
}

function splitTemplate(src, node, width) {
  const units = templateWords(src, node);
  // Tokens that may not be split: expressions whole, literal text cut after unescaped spaces.
  const tokens = [];
  for (const u of units) {
    if (!u.lit) tokens.push(u.text);
    else if (u.text) tokens.push(...pieces(u.text, 1));
  }
  // pieces(…, 1) yields one word per token. Split points: spaces first (a token glued to the next unless it ends
  // with one); when a part would still be too wide, also the boundaries of `${}`.
  const glued = [];
  for (const t of tokens) {
    if (glued.length && !glued[glued.length - 1].endsWith(' ')) glued[glued.length - 1] += t;
    else glued.push(t);
  }
  let out = fillTokens(glued, width);
  if (out.some((t) => t.length > width)) out = fillTokens(tokens, width);
  return out.map((t) => '`' + t + '`');
}

/** Greedy fill: tokens joined into parts of at most `width` characters (a wider token keeps its own part). */
function fillTokens(tokens, width) {
  const out = [];
  let line = '';
  for (const w of tokens) {
    if (line && line.length + w.length > width) {
      out.push(line);
      line = w;
    } else line += w;
  }
  if (line) out.push(line);
  return out;
}

/** The source ranges of a template's own text (head, middles, tail), without its delimiters and `${}` parts. */
function textRanges(node) {
  if (ts.isNoSubstitutionTemplateLiteral(node)) return [[node.getStart() + 1, node.end - 1]];
  const out = [[node.head.getStart() + 1, node.head.end - 2]];
  for (const span of node.templateSpans) {
    const lit = span.literal;
    out.push([lit.getStart() + 1, lit.end - (lit.kind === ts.SyntaxKind.TemplateTail ? 1 : 2)]);
  }
  return out;
}

/**
 * Where to cut a template that spans lines (SQL, embedded code): on each line past the width, after the last
 * unescaped space of the template's own text that keeps the line within it, then again along the rest.
 */
function multiLineCuts(src, node, lineStarts, lineOf) {
  const inText = (i) => textRanges(node).some(([a, b]) => i >= a && i < b);
  const cuts = [];
  for (let l = lineOf(node.getStart()); l <= lineOf(node.end); l++) {
    const from = lineStarts[l];
    const to = (lineStarts[l + 1] ?? src.length + 1) - 1;
    let base = from; // where the current piece of the line starts
    let budget = WIDTH - 10;
    while ([...src.slice(base, to)].length > WIDTH) {
      let cut = -1;
      for (let i = base + 20, col = 20; i < to && col < budget; i++, col++) {
        let slashes = 0;
        for (let j = i - 1; j >= 0 && src[j] === '\\'; j--) slashes++;
        if (src[i] === ' ' && src[i + 1] !== ' ' && slashes % 2 === 0 && inText(i) && inText(i + 1)) cut = i + 1;
      }
      if (cut < 0) break;
      cuts.push(cut);
      base = cut;
      budget = WIDTH - 30; // the rest starts a new operand, indented by Prettier
    }
  }
  return cuts;
}

function wrapFile(file) {
  const src = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, src, ts.ScriptTarget.Latest, true, kindOf(file));
  const lineStarts = sf.getLineStarts();
  const lineOf = (pos) => sf.getLineAndCharacterOfPosition(pos).line;
  const lineText = (l) => src.slice(lineStarts[l], (lineStarts[l + 1] ?? src.length + 1) - 1);
  const edits = [];
  const visit = (node) => {
    const isStr = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
    const isTpl = ts.isTemplateExpression(node);
    const multi = (ts.isNoSubstitutionTemplateLiteral(node) || isTpl) && lineOf(node.end) !== lineOf(node.getStart(sf));
    if (multi && isValue(node)) {
      const cuts = multiLineCuts(src, node, lineStarts, lineOf);
      if (cuts.length) {
        const p = node.parent;
        const bare = ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.PlusToken;
        if (!bare)
          edits.push(
            { start: node.getStart(sf), end: node.getStart(sf), text: '(' },
            { start: node.end, end: node.end, text: ')' },
          );
        for (const c of cuts) edits.push({ start: c, end: c, text: '` +\n`' });
        return;
      }
    }
    if ((isStr || isTpl) && isValue(node)) {
      const start = node.getStart(sf);
      const l = lineOf(start);
      const text = lineText(l);
      if (lineOf(node.end) === l && [...text].length > WIDTH && !text.includes('eslint-') && node.end - start > 24) {
        const indent = /^\s*/.exec(text)[0].length;
        const width = Math.max(40, WIDTH - indent - 12);
        const raw = src.slice(start, node.end);
        const split = (w) => {
          if (isTpl) return splitTemplate(src, node, w);
          const q = raw[0];
          return pieces(raw.slice(1, -1), w).map((p) => q + p + q);
        };
        let parts = split(width);
        // A literal that fits a line on its own but not after what precedes it: in two halves.
        if (parts.length === 1) parts = split(Math.max(20, Math.ceil(raw.length / 2)));
        if (parts.length > 1) {
          const p = node.parent;
          const bare = ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.PlusToken;
          const joined = parts.join(' +\n');
          edits.push({ start, end: node.end, text: bare ? joined : `(${joined})` });
          return; // nothing inside an edited literal is edited too
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (!edits.length) return false;
  let out = src;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  if (!check) writeFileSync(file, out);
  return true;
}

const prettier = (list) =>
  list.length && execFileSync('npx', ['prettier', '--write', '--log-level', 'warn', ...list], { stdio: 'inherit' });

let touched = new Set();
let pending = files;
for (let pass = 0; pass < 3 && pending.length; pass++) {
  const now = pending.filter((f) => wrapFile(f));
  for (const f of now) touched.add(f);
  if (check) break;
  prettier(now);
  pending = now;
}
touched = [...touched];
if (check) for (const f of touched) console.log(f);
console.log(`${check ? 'would change' : 'changed'} ${touched.length} file(s)`);
