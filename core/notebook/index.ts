/** The `.pipeline` format: split/join (byte-exact), parse with diagnostics, editor cell mapping. */
export { splitNotebook, joinNotebook, splitLines, normaliseEols, dominantEol, isMarkerLine } from './split';
export { parseNotebook, type ParseOptions } from './parse';
export { toEditorCells, fromEditorCells, markerFor, inferKind, languageOfKind } from './editorCells';
export type { EditorCell, EditorCellInput, EditorCellMeta, EditorLanguage } from './editorCells';
export { isValidName, NAME_RE } from './marker';
export { diagnosticToUserError, firstError } from './userError';
export type * from './types';
