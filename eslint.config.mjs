// ESLint 9 flat config: typescript-eslint with type information, plus the rules that keep
// Temporal workflow code (src/workflows/**) free of Node built-ins, I/O and non-determinism.
import { builtinModules } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_FILES = ['src', 'tests', 'testkit', 'scripts', 'bench'].map((dir) => `${dir}/**/*.{ts,mts,cts}`);
const WORKFLOW_FILES = ['src/workflows/**/*.{ts,mts,cts}'];

const WORKFLOW_SANDBOX =
  'Workflow code runs in the deterministic Temporal sandbox and must not do I/O: ' +
  'put this in an activity (src/activities) and call it through proxyActivities(). ' +
  '`import type` is fine.';

// Node built-ins by bare name (fs, path, http, crypto, child_process, os, process, worker_threads,
// fs/promises, ...); the `node:` prefixed forms are caught by the pattern below.
const nodeBuiltinPaths = builtinModules
  .filter((name) => !name.startsWith('_') && !name.startsWith('node:'))
  .map((name) => ({ name, message: WORKFLOW_SANDBOX, allowTypeImports: true }));

// Runtime packages that belong in the worker, the API or activities, never in a workflow.
const bannedPackages = [
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  '@temporalio/envconfig',
  'drizzle-orm',
  'postgres',
  '@electric-sql/pglite',
  'openai',
  'express',
  'ws',
  'pino',
].map((name) => ({ name, message: WORKFLOW_SANDBOX, allowTypeImports: true }));

const bannedPatterns = [
  { group: ['node:*'], message: WORKFLOW_SANDBOX, allowTypeImports: true },
  {
    group: ['drizzle-orm/*', '@electric-sql/pglite/*', 'openai/*', 'pino/*', '@temporalio/worker/*', '@temporalio/client/*'],
    message: WORKFLOW_SANDBOX,
    allowTypeImports: true,
  },
  {
    // Activities and the database layer do I/O: a workflow may only take their types.
    group: ['**/activities', '**/activities/**', '**/db', '**/db/**'],
    message:
      'Workflows may only `import type` from activities and db; a value import drags I/O code into the ' +
      'workflow bundle. Call activities through proxyActivities<Activities>().',
    allowTypeImports: true,
  },
];

const deterministicGlobals = [
  { name: 'setTimeout', message: "Use `sleep()` (or `condition()` with a timeout) from '@temporalio/workflow'." },
  { name: 'setInterval', message: "Use a loop with `sleep()` from '@temporalio/workflow'." },
  { name: 'setImmediate', message: "Use `sleep()` from '@temporalio/workflow'." },
  { name: 'clearTimeout', message: "Cancel a `sleep()` with a CancellationScope from '@temporalio/workflow'." },
  { name: 'clearInterval', message: "Cancel a `sleep()` with a CancellationScope from '@temporalio/workflow'." },
  { name: 'process', message: 'No `process` in workflow code: pass configuration in the workflow input, or read it in an activity.' },
  { name: 'crypto', message: "Use `uuid4()` from '@temporalio/workflow' for ids; other crypto belongs in an activity." },
  { name: 'fetch', message: 'Network I/O belongs in an activity; call it through proxyActivities().' },
];

const deterministicProperties = [
  { object: 'Math', property: 'random', message: "Use `uuid4()` from '@temporalio/workflow' for ids; randomness in a workflow must be replay-safe." },
  ...['setTimeout', 'setInterval', 'process', 'crypto', 'fetch'].map((property) => ({
    object: 'globalThis',
    property,
    message: "Not in workflow code: use `sleep()` / `uuid4()` from '@temporalio/workflow', or an activity.",
  })),
];

export default defineConfig([
  globalIgnores(['**/node_modules/', 'dist/', '.data/', '.tools/', 'drizzle/', 'coverage/', '**/*.config.*']),

  {
    files: TS_FILES,
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'warn',
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  {
    files: ['tests/**/*.{ts,mts,cts}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },

  {
    files: WORKFLOW_FILES,
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [...nodeBuiltinPaths, ...bannedPackages], patterns: bannedPatterns }],
      'no-restricted-globals': ['error', ...deterministicGlobals],
      'no-restricted-properties': ['error', ...deterministicProperties],
    },
  },
]);
