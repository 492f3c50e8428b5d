// ESLint (flat config) with typescript-eslint's type-aware rules: docs/design.md §12.2.
// Formatting is Prettier's (.prettierrc.json); this file holds correctness rules only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.tools/**', '.build/**', 'test-results/**', 'bench/out/**', 'examples/**'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The width Prettier formats to. Prettier does not break strings, template literals or comments:
      // scripts/codemods/wrap-strings.mjs and wrap-comments.mjs do. Only regexes and URLs may run past it.
      // (max-len is in ESLint core until 11.)
      'max-len': [
        'error',
        {
          code: 120,
          tabWidth: 2,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
        },
      ],
      // A promise nobody awaits loses its error: await it, return it, or mark it `void`.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'suite', 'describe', 'it'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);
