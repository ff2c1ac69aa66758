import tseslint from 'typescript-eslint'

// A small rule set: mistakes that compile but are wrong, and habits the house keeps.
export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'test/corpus/**/schema.json', '.cache/**', 'coverage/**']},
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommended],
    rules: {
      'no-console': ['error', {allow: ['error']}],
      'max-len': ['error', {code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreComments: false, ignoreUrls: true}],
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-properties': ['error', {object: 'describe', property: 'only'}, {object: 'it', property: 'only'}],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Tests read --json output and driver rows whose shapes they check as they go.
    files: ['test/**/*.ts', 'test/**/*.tsx'],
    rules: {'@typescript-eslint/no-explicit-any': 'off'},
  },
)
