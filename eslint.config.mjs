import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Layers (shared/STYLE.md): imports point down only; the UI sees nothing of the server but its protocol. */
const layerRules = [
  {
    files: ['server/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./', message: 'core/ imports nothing above it.' },
            { group: ['node:*'], message: 'core/ does no I/O.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'protocol/ is shared with the browser.' },
            { regex: '^\\.\\./(?!core/)', message: 'protocol/ depends only on core/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/identity/**/*.ts', 'server/workspace/**/*.ts', 'server/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../http/*', '../main', 'hono', 'hono/*'],
              message: 'Domain code never depends on the HTTP layer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/*', '!**/server/protocol', '**/server/*/**', '!**/server/protocol/*'],
              message: 'The UI imports only server/protocol/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The CLI is a client of the HTTP API like the UI: it shares only the protocol with the server.
    files: ['bin/**/*.ts'],
    ignores: ['bin/**/*.int.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/*', '!**/server/protocol', '**/server/*/**', '!**/server/protocol/*'],
              message: 'The CLI imports only server/protocol/ (its integration tests may start a platform).',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.next/',
      'data/',
      'templates/',
      'sdk/',
      'test-results/',
      'playwright-report/',
      'next-env.d.ts',
      'bench/.out/',
      '**/*.config.mjs',
      'eslint.config.mjs',
      'components/editor/css-loader.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  ...layerRules,
  {
    // Scripts the server sends to browsers as they are (server/http/push/push-client.js): plain JavaScript.
    files: ['server/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
