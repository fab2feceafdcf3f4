// rotor's layer rules, kept by the linter rather than by comments (ARCHITECTURE.md says why each
// exists). Rules are syntactic only (no type information) so `npx eslint .` stays fast on a small
// machine. test/lint-rules.test.ts proves each rule reports a wrong import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Client libraries: only src/adapters talks to the systems rotor changes. */
const CLIENT_LIBRARIES = [
  'node-vault',
  'pg',
  'ioredis',
  'amqplib',
  '@kubernetes/client-node',
  'execa',
  'conf',
];
/** Rendering: only src/ui (and the command that mounts it) draws. */
const RENDERING = ['ink', 'ink-*', 'react', 'react/*'];
/** Input and output the pure layers must not do. */
const IO_MODULES = [
  'fs',
  'node:fs',
  'fs/*',
  'node:fs/*',
  'net',
  'node:net',
  'child_process',
  'node:child_process',
];

const group = (names, message) => ({ group: names, message });
const folder = (name, message) => ({ group: [`**/${name}`, `**/${name}/**`], message });

const rules = {
  clientLibraries: group(
    CLIENT_LIBRARIES,
    'only src/adapters imports client libraries; use a port (src/ports)',
  ),
  commands: {
    group: ['**/commands', '**/commands/**'],
    message: 'only src/cli.tsx imports src/commands; put shared work in a lower layer',
  },
  adapters: folder('adapters', 'this layer talks to systems through ports (src/ports), not adapters'),
  ui: folder('ui', 'this layer must not render: emit data, let src/ui word it'),
  rendering: group(RENDERING, 'this layer must not render: emit data, let src/ui word it'),
  sandbox: folder(
    'sandbox',
    'this layer must not know the sandbox; it is one more implementation of the ports',
  ),
  session: folder('session', 'the pure layers must not reach the session layer above them'),
  api: folder('api', 'the library API is an edge; nothing below imports it'),
  io: group(IO_MODULES, 'the engine and runbook layers are pure: no files, sockets or processes'),
  otherLibraries: group(
    ['node-forge', 'nodemailer'],
    'the engine and runbook layers use no client libraries',
  ),
  actions: folder('actions', 'ports are implemented, not actions: import the interface from src/ports'),
};

/** A no-restricted-imports rule from groups; type-only imports are allowed (they vanish at run time). */
const restrict = (...groups) => [
  'error',
  { patterns: groups.map((g) => ({ ...g, allowTypeImports: true })) },
];

/** Applies to every file in src. */
const everywhere = [rules.clientLibraries, rules.commands];
/** What the domain layers (runbook, engine, ports, actions) must not reach: the layers above them. */
const ABOVE = [rules.ui, rules.rendering, rules.sandbox, rules.session, rules.api];
/** A folder's import rule: what every file in src keeps, and the folder's own groups. */
const layer = (files, ...groups) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': restrict(...everywhere, ...groups) },
});

// Modules on the CLI's start path: `rotor --version` and the TUI's first frame load only these.
// Everything heavy (command modules, Ink, adapters and their client libraries) is loaded with
// `await import()` when a command needs it (bench/first-frame.mjs, bench/version.mjs measure it).
const START_PATH = [
  'src/cli.tsx',
  'src/services/rotor-context.ts',
  'src/commands/io.ts',
  'src/commands/journalled-command.ts',
];
const startPath = {
  group: [
    './commands/*',
    '!./commands/io.js',
    '!./commands/journalled-command.js',
    '**/adapters/**',
    '**/ui/**',
    '**/session/connect.js',
    '**/sandbox/**',
    '!**/sandbox/faults.js',
    ...RENDERING,
    ...CLIENT_LIBRARIES,
    'node-forge',
    'nodemailer',
  ],
  message: 'on the start path: load this lazily with `await import()` where it is needed',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/fixtures/**', 'runbooks/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...nodeGlobals() } },
    rules: {
      // Action params are typed by zod schemas; `any` marks the few registry-wide generics.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Validation refuses control characters, so the patterns that find them name them.
      'no-control-regex': 'off',
      // A caught client-library error can quote a credential; rotor words its own errors instead
      // of chaining them (SECURITY.md), so a rethrow without `cause` is deliberate.
      'preserve-caught-error': 'off',
    },
  },
  {
    files: ['test/**'],
    // A UI test keeps the frame it last waited for, to read while debugging a failure.
    rules: { 'no-useless-assignment': 'off' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(...everywhere),
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'read the environment through src/environment.ts, or take it as a parameter',
        },
      ],
    },
  },
  { files: ['src/environment.ts'], rules: { 'no-restricted-properties': 'off' } },
  layer(['src/engine/**', 'src/runbook/**'], rules.adapters, ...ABOVE, rules.io, rules.otherLibraries),
  layer(['src/ports/**'], rules.actions, rules.adapters, ...ABOVE, rules.io),
  { ...layer(['src/actions/**'], rules.adapters, ...ABOVE), ignores: ['src/actions/index.ts'] },
  // The UI renders what the engine and the session give it; it never reaches a system itself.
  layer(['src/ui/**'], rules.adapters, rules.sandbox),
  // The registry wires the one pure-computation adapter (X.509 parsing) once, not per environment.
  layer(['src/actions/index.ts'], ...ABOVE),
  {
    files: ['src/adapters/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        { group: RENDERING, message: 'adapters do not render' },
        rules.ui,
        rules.commands,
        rules.sandbox,
        rules.actions,
        rules.api,
      ),
    },
  },
  {
    files: ['src/sandbox/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        ...everywhere,
        rules.actions,
        rules.ui,
        rules.rendering,
      ),
    },
  },
  {
    files: START_PATH,
    rules: { '@typescript-eslint/no-restricted-imports': restrict(rules.clientLibraries, startPath) },
  },
);

/** Node's globals for plain scripts (TypeScript files get them from @types/node). */
function nodeGlobals() {
  const names = ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval'];
  const more = ['clearInterval', 'setImmediate', 'fetch', 'AbortController', 'TextEncoder', 'TextDecoder'];
  return Object.fromEntries(
    [...names, ...more, 'structuredClone', 'performance'].map((n) => [n, 'readonly']),
  );
}
