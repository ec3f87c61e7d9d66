// Lint: typed rules for the whole tree, plus the Temporal rule that workflow code stays deterministic: no Node
// built-ins, no I/O libraries and no wall-clock timers in src/workflows AND in every module it imports, however
// indirectly (the pure trading and domain code runs inside the workflow sandbox too).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import tseslint from 'typescript-eslint';

/** Every source file the workflow bundle contains: src/workflows/index.ts and its value imports, transitively. */
function workflowModules() {
  const root = path.join(import.meta.dirname, 'src', 'workflows', 'index.ts');
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    // `import type` and `export type` are erased at build time: they bring no code into the bundle.
    for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+'(\.[^']+)'/gms)) {
      const base = path.resolve(path.dirname(file), m[1]);
      const next = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f));
      if (next) visit(next);
    }
  };
  visit(root);
  return [...seen].map((f) => path.relative(import.meta.dirname, f));
}

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'process', 'timers'];
/** What the dashboard's browser code may use without defining it. */
const browserGlobals = [
  'window',
  'document',
  'location',
  'history',
  'sessionStorage',
  'fetch',
  'setTimeout',
  'clearTimeout',
  'Node',
];

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
    files: ['src/workflows/**/*.ts', ...workflowModules()],
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
    // The dashboard is plain browser JavaScript, outside the TypeScript project: untyped rules, browser globals.
    files: ['src/api/dashboard/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['src/api/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(browserGlobals.map((name) => [name, 'readonly'])),
    },
    rules: { 'no-undef': 'error' },
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
