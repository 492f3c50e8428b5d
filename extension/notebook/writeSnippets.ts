/**
 * Writes snippets/pipeline.json from the phase registry: one snippet per phase kind (its marker
 * line and its required keys). Run after adding a phase kind:
 *   npx tsx extension/notebook/writeSnippets.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../core/phases/register';
import { snippetsJson } from './snippets';

const out = join(__dirname, '..', '..', 'snippets', 'pipeline.json');
writeFileSync(out, snippetsJson());
console.log(`wrote ${out}`);
