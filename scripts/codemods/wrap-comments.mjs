#!/usr/bin/env node
// Wraps comment lines longer than the lint's width (120) that Prettier leaves alone: a one-line `/** … */`
// becomes a block, `// …` and ` * …` lines are refilled at the same indent. Lines holding an eslint directive
// are left for a person. Idempotent. Usage: node scripts/codemods/wrap-comments.mjs [--check] [files...]
// (default: every tracked .ts/.mjs/.cjs file). docs/design.md §12.2.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const WIDTH = 120;
const check = process.argv.includes('--check');
const given = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = given.length
  ? given
  : execFileSync('git', ['ls-files', '*.ts', '*.mjs', '*.cjs'], { encoding: 'utf8' }).split('\n').filter(Boolean);

/** Greedy fill of `text` into lines of at most `width` characters (a word longer than that keeps its line). */
function fill(text, width) {
  const lines = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (cur && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  return lines;
}

let changed = 0;
for (const file of files) {
  const src = readFileSync(file, 'utf8');
  const out = [];
  for (const line of src.split('\n')) {
    if (line.length <= WIDTH || line.includes('eslint-')) {
      out.push(line);
      continue;
    }
    let m = /^(\s*)\/\*\* (.*?) \*\/$/.exec(line);
    if (m) {
      const [, ind, text] = m;
      out.push(`${ind}/**`, ...fill(text, WIDTH - ind.length - 3).map((l) => `${ind} * ${l}`), `${ind} */`);
      continue;
    }
    m = /^(\s*)\/\/ ?(.*)$/.exec(line);
    if (m) {
      const [, ind, text] = m;
      out.push(...fill(text, WIDTH - ind.length - 3).map((l) => `${ind}// ${l}`));
      continue;
    }
    m = /^(\s*) \* (\S.*)$/.exec(line);
    if (m) {
      const [, ind, text] = m;
      out.push(...fill(text, WIDTH - ind.length - 3).map((l) => `${ind} * ${l}`));
      continue;
    }
    out.push(line);
  }
  const next = out.join('\n');
  if (next !== src) {
    changed++;
    if (check) console.log(file);
    else writeFileSync(file, next);
  }
}
console.log(`${check ? 'would change' : 'changed'} ${changed} file(s)`);
