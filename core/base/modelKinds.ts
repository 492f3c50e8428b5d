/**
 * The model kinds, by name: the closed list the key specs of `train`, `cv`, `stack` and
 * `walk_forward` check and complete against. core/ml/models/registry.ts holds one factory per
 * name (a unit test keeps the two in step); this list stays here, free of the model code, so the
 * editor's completion and diagnostics load without it.
 */
export const MODEL_KINDS = ['linear', 'ridge', 'logistic', 'svr', 'poly2', 'gbdt', 'forest', 'nonneg'] as const;
