// Lint: typed rules for the whole tree, plus the Temporal rule that workflow code stays deterministic:
// no Node built-ins and no I/O libraries inside src/workflows.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'process', 'timers'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.temporal/**', 'coverage/**', '*.mjs', '*.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Activities are the methods of the object createActivities() returns; none uses `this`, and handing
      // them to a Worker or MockActivityEnvironment one by one is how the SDK works.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((m) => [m, `node:${m}`]),
            'pg',
            'node-fetch',
            'express',
            '@temporalio/activity',
            '@temporalio/worker',
            '@temporalio/client',
          ],
          patterns: [{ group: ['../activities/*', '../db/*', '../api/*'], allowTypeImports: true }],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests read JSON answers whose shape is the very thing they assert.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
