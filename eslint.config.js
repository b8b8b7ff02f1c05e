// One linter for the repo. Type-aware rules everywhere; the core/adapter boundary is enforced here:
// files under functions/src/**/core/ (pure policy) may import no SDK, no node: module and no adapter;
// neither may functions/src/model/local/ (the deterministic local model: pure, so the same request
// gives the same answer).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'functions/lib/**',
      'functions/bundle/**',
      '.local/**',
      'infra/**',
      'bench/fixtures/**',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['functions/src/**/core/**/*.ts', 'functions/src/model/local/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Core policy is pure: no node: modules.' },
            {
              group: ['@google-cloud/*', '@google/*', '@slack/*', 'ws', 'yaml'],
              message: 'Core policy is pure: no SDKs.',
            },
            {
              group: ['**/adapters/**', '**/triggers/**', '**/platform/**'],
              message: 'Core policy imports no adapter or trigger.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'fetch', 'setTimeout', 'setInterval'],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
