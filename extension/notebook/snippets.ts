/** The snippets file content: one snippet per marker kind, generated from the registry. Pure. */
import { cellSnippet, markerKinds } from './keyDocs';

export interface SnippetEntry {
  prefix: string[];
  body: string[];
  description: string;
}

export function snippetEntries(): Record<string, SnippetEntry> {
  const out: Record<string, SnippetEntry> = {};
  for (const k of markerKinds()) {
    if (k.kind === 'md' || k.kind === 'ts') continue;
    out[`Phasebook ${k.kind} cell`] = {
      prefix: [`# %% ${k.kind}`, `pb-${k.kind}`],
      body: cellSnippet(k.kind),
      description: k.doc,
    };
  }
  return out;
}

export function snippetsJson(): string {
  return `${JSON.stringify(snippetEntries(), null, 2)}\n`;
}
