// Lint rules, including the layer rules: shared <- engine <- API <- shell/UI, enforced here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'stream',
  'stream/*',
  'child_process',
  'http',
  'https',
  'net',
  'url',
  'util',
  'events',
  'worker_threads',
  'zlib',
  'buffer',
];
const nativeOrShell = ['electron', 'electron/*', 'better-sqlite3', 'chokidar'];

/** Time comes from the injected Clock in the engine. */
const clockRules = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'Read the time from the injected Clock (main/engine/clock.ts).',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'Read the time from the injected Clock (main/engine/clock.ts).',
  },
];

/** The database is reached through store/ classes, never as `store.db`. */
const sqlRules = [
  {
    selector:
      "MemberExpression[property.name='db'][object.name='store'], MemberExpression[property.name='db'][object.property.name='store']",
    message: 'SQL lives only in main/engine/store/: add a method to a store class.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // shared/ is pure TypeScript: the contract and model types, importable from the UI.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...nativeOrShell],
              message: 'shared/ must stay free of Node and Electron: it is imported by the UI.',
            },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'shared/ depends on nothing else in the repo.',
            },
          ],
        },
      ],
    },
  },
  {
    // The engine is plain Node: never Electron, never the shell or the UI; time comes from clock.ts.
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The engine runs without Electron.' },
            {
              group: ['**/main/app/**', '**/app/**', '**/renderer/**', '**/preload/**'],
              message: 'The engine must not depend on the shell or the UI.',
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...clockRules, ...sqlRules],
    },
  },
  {
    // SQL lives in store/ alone: its classes are the only code that holds the database.
    files: ['main/engine/store/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...clockRules] },
  },
  {
    // Repository is the only user of a Destination: the pipeline, restore and scrub go through it.
    files: ['main/engine/pipeline/**/*.ts', 'main/engine/restore/**/*.ts', 'main/engine/scrub/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...clockRules,
        ...sqlRules,
        {
          selector:
            "MemberExpression[property.name='dest'][object.name='repo'], MemberExpression[property.name='dest'][object.property.name='repo']",
          message: 'Use the Repository (main/engine/repo/): it is the only code that calls a Destination.',
        },
      ],
    },
  },
  {
    // The UI talks to the engine only through the API contract in shared/.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        EventSource: 'readonly',
        navigator: 'readonly',
        HTMLElement: 'readonly',
        HTMLInputElement: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...nativeOrShell],
              message: 'The UI runs in a browser: no Node or Electron.',
            },
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The UI depends only on shared/ (the API contract).',
            },
          ],
        },
      ],
    },
  },
  {
    // The shell reaches the engine only through main/app/engine-boundary.ts; the engine runs as a process.
    files: ['main/app/**/*.ts'],
    ignores: ['main/app/engine-boundary.ts', 'main/app/**/*.test.ts', 'main/app/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**'],
              message: 'main/app imports the engine only through main/app/engine-boundary.ts.',
            },
            {
              group: ['**/renderer/**', '**/preload/**'],
              message: 'The main process does not import the UI or the preload script.',
            },
          ],
        },
      ],
    },
  },
  {
    // engine-host.ts runs inside the engine's utility process: plain Node, no Electron.
    files: ['main/app/engine-host.ts', 'main/app/engine-messages.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*'],
              message: "The engine's process runs without Electron's main-process modules.",
            },
            {
              group: ['**/engine/**', '**/renderer/**', '**/preload/**'],
              message: 'The engine host loads the CLI by path only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The preload runs in the sandboxed renderer: only electron at run time, only types from shared/.
    files: ['preload/**/*.ts'],
    ignores: ['preload/test/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**'],
              message: 'preload/ imports nothing from main/ or the UI.',
            },
            {
              group: ['**/shared/**'],
              allowTypeImports: true,
              message: 'A sandboxed preload can only require electron: import types only.',
            },
            {
              group: [...nodeBuiltins, 'better-sqlite3', 'chokidar'],
              message: 'A sandboxed preload can only require electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/engine/clock.ts', 'main/engine/**/*.test.ts', 'main/engine/**/testing/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['bin/**/*.js', 'eslint.config.js', 'scripts/**/*.{js,mjs}'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
