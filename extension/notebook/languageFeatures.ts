/**
 * Completion and hovers in phase cells, from the phase registry: kinds (for a new cell's marker),
 * keys with their docs, enum values, upstream cell names after `from:`, and the upstream cell's column names
 * after keys that take columns (from its last known schema).
 */
import * as vscode from 'vscode';
import { describeType, type KeySpec } from '../../core/base/schema';
import { NOTEBOOK_TYPE } from '../base/commandIds';
import { kindOfCell } from './cellText';
import {
  cellSnippet,
  docMarkdown,
  keyDocMarkdown,
  keySpecAt,
  keySpecsAt,
  kindDoc,
  markerKinds,
  valueChoices,
} from './keyDocs';
import type { ColumnSchema } from '../../core/kernel/protocol';
import { madeColumns, upstreamColumns } from './columnNames';
import { cellLike, cellOfDocument, type NotebookModels } from './models';
import { DidYouMeanFixes } from './quickFixes';
import { keyAt, positionContext } from './yamlContext';

export const PHASE_CELL_SELECTOR: vscode.DocumentSelector = [{ notebookType: NOTEBOOK_TYPE, language: 'yaml' }];

function kindItems(range: vscode.Range | undefined, withMarker: boolean): vscode.CompletionItem[] {
  return markerKinds()
    .filter((k) => k.kind !== 'md' && k.kind !== 'ts')
    .map((k, i) => {
      const item = new vscode.CompletionItem(withMarker ? `# %% ${k.kind}` : k.kind, vscode.CompletionItemKind.Class);
      item.detail = 'phase kind';
      item.documentation = new vscode.MarkdownString(docMarkdown(k.doc));
      item.sortText = String(i).padStart(3, '0');
      if (withMarker) item.insertText = new vscode.SnippetString(cellSnippet(k.kind).join('\n'));
      if (range) item.range = range;
      return item;
    });
}

/** A cell's last known output columns in a notebook (its kernel's), if any. */
export type SchemaLookup = (notebook: vscode.NotebookDocument, cell: string) => ColumnSchema | undefined;

export class PhaseCompletionProvider implements vscode.CompletionItemProvider {
  constructor(
    private readonly models: NotebookModels,
    private readonly schemaOf: SchemaLookup = () => undefined,
  ) {}

  /**
   * The upstream columns for a key that takes column names (then the ones the cell makes first); undefined when no
   * upstream schema is known.
   */
  private columnItems(
    notebook: vscode.NotebookDocument,
    cell: vscode.NotebookCell,
    spec: KeySpec,
  ): vscode.CompletionItem[] | undefined {
    const model = this.models.modelNow(notebook);
    const schema = upstreamColumns(model, cell.index, (name) => this.schemaOf(notebook, name));
    if (!schema) return undefined;
    const config = model.parsed.cells[model.primary[cell.index] ?? -1]?.config ?? {};
    const made = madeColumns(spec, config).filter((n) => !schema.some((c) => c.name === n));
    return [
      ...schema.map((c) => ({ ...c, detail: `column (${c.dtype})` })),
      ...made.map((name) => ({
        name,
        dtype: 'this cell',
        detail: 'column this cell makes first',
      })),
    ].map((c, i) => {
      const item = new vscode.CompletionItem({ label: c.name, description: c.dtype }, vscode.CompletionItemKind.Field);
      item.detail = c.detail;
      item.sortText = String(i).padStart(4, '0');
      return item;
    });
  }

  /** Values for a key: upstream cell names for `from`, else enum members and booleans. */
  private valueItems(
    kind: string,
    path: string[],
    key: string,
    notebook: vscode.NotebookDocument,
    cell: vscode.NotebookCell,
  ): vscode.CompletionItem[] {
    if (path.length === 0 && key === 'from') {
      const model = this.models.modelNow(notebook);
      return model.parsed.cells
        .filter(
          (c) =>
            c.type !== 'markdown' &&
            c.kind !== 'settings' &&
            (model.places[c.index]?.editorIndex ?? Infinity) < cell.index,
        )
        .map((c) => {
          const item = new vscode.CompletionItem(c.name, vscode.CompletionItemKind.Reference);
          item.detail = `${c.kind} cell`;
          return item;
        });
    }
    const spec = keySpecAt(kind, path, key);
    const columns = spec?.columns ? this.columnItems(notebook, cell, spec) : undefined;
    if (columns) return columns;
    return spec
      ? [...new Set([...valueChoices(spec.type), ...(spec.suggest ?? [])])].map(
          (v) => new vscode.CompletionItem(v, vscode.CompletionItemKind.EnumMember),
        )
      : [];
  }

  async provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.CompletionItem[]> {
    const found = cellOfDocument(document);
    if (!found) return [];
    const kind = kindOfCell(cellLike(found.cell));
    const ctx = positionContext(document.getText(), position.line, position.character);
    const wordRange = document.getWordRangeAtPosition(position, /[\w-]+/);
    if (ctx.type === 'marker') return kindItems(wordRange, false);
    if (ctx.type === 'key') {
      const items: vscode.CompletionItem[] = [];
      if (!kind && ctx.path.length === 0 && position.line === 0) items.push(...kindItems(undefined, true));
      return [...items, ...keyItems(kind, ctx.path, ctx.siblings, wordRange)];
    }
    if (ctx.type === 'item') {
      // `- x` in a list of mappings starts a mapping's key; in a list of values it is a value.
      const mappingKeys = keySpecsAt(kind, [...ctx.path, ctx.key]);
      if (mappingKeys) return keyItems(kind, [...ctx.path, ctx.key], ctx.siblings, wordRange);
      return this.valueItems(kind, ctx.path, ctx.key, found.notebook, found.cell);
    }
    if (ctx.type === 'value') return this.valueItems(kind, ctx.path, ctx.key, found.notebook, found.cell);
    return [];
  }
}

function keyItems(
  kind: string,
  path: string[],
  siblings: readonly string[],
  range: vscode.Range | undefined,
): vscode.CompletionItem[] {
  const items: vscode.CompletionItem[] = [];
  for (const [key, spec] of Object.entries(keySpecsAt(kind, path) ?? {})) {
    if (siblings.includes(key)) continue;
    const item = new vscode.CompletionItem(key, vscode.CompletionItemKind.Property);
    item.detail = describeType(spec.type) + (spec.required ? ' (required)' : '');
    item.documentation = new vscode.MarkdownString(keyDocMarkdown(key, spec));
    item.insertText = new vscode.SnippetString(spec.type.type === 'object' ? `${key}:\n  $0` : `${key}: $0`);
    item.sortText = `${spec.required ? '0' : '1'}${key}`;
    if (range) item.range = range;
    items.push(item);
  }
  return items;
}

export class PhaseHoverProvider implements vscode.HoverProvider {
  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = cellOfDocument(document);
    if (!found) return undefined;
    const kind = kindOfCell(cellLike(found.cell));
    const lineText = document.lineAt(position.line).text;
    if (lineText.startsWith('# %%')) {
      const doc = kindDoc(kind);
      return doc ? new vscode.Hover(new vscode.MarkdownString(`**${kind}** — ${docMarkdown(doc)}`)) : undefined;
    }
    const at = keyAt(document.getText(), position.line, position.character);
    if (!at) return undefined;
    const spec = keySpecAt(kind, at.path, at.key);
    if (!spec) return undefined;
    return new vscode.Hover(
      new vscode.MarkdownString(keyDocMarkdown([...at.path, at.key].join('.'), spec)),
      new vscode.Range(position.line, at.start, position.line, at.end),
    );
  }
}

export function registerLanguageFeatures(models: NotebookModels, schemaOf?: SchemaLookup): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(
      PHASE_CELL_SELECTOR,
      new PhaseCompletionProvider(models, schemaOf),
      ':',
      ' ',
      '[',
      ',',
    ),
    vscode.languages.registerHoverProvider(PHASE_CELL_SELECTOR, new PhaseHoverProvider()),
    vscode.languages.registerCodeActionsProvider(PHASE_CELL_SELECTOR, new DidYouMeanFixes(), DidYouMeanFixes.metadata),
  );
}
