// @ts-check
/**
 * Lint: typescript-eslint's recommended rules, Prettier for layout (eslint-config-prettier
 * turns off what would fight it), and the layer boundaries of src/: each stage imports only
 * from the stages below it. A forbidden import fails lint (test/lint/boundaries.test.ts).
 */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** An import of any of these src/ folders, from anywhere below src/ (relative paths only). */
const folders = (...names) => `^(\\.\\.?/)+(?:.*/)?(${names.join('|')})/`;

/** A no-restricted-imports rule for a layer: `names` are the folders it must not reach. */
const layer = (files, names, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ regex: folders(...names), message: why }] }],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'dist-check/', 'node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'smart'],
    },
  },
  layer(
    ['src/util/**'],
    ['domain', 'config', 'store', 'sources', 'directory', 'notify', 'mail', 'scheduler', 'web', 'app', 'cli'],
    'util/ is the bottom layer: it imports nothing of driftkoll',
  ),
  layer(
    ['src/domain/**'],
    ['config', 'store', 'sources', 'directory', 'notify', 'mail', 'scheduler', 'web', 'app', 'cli'],
    'domain/ imports only util/: the store and every stage build on it, not the other way round',
  ),
  layer(
    ['src/config/**'],
    ['store', 'sources', 'directory', 'notify', 'mail', 'scheduler', 'web', 'app', 'cli'],
    'config/ sits below every stage',
  ),
  layer(
    ['src/store/**'],
    ['sources', 'directory', 'notify', 'mail', 'scheduler', 'web', 'app', 'cli'],
    'store/ imports nothing of the stages above it',
  ),
  layer(
    ['src/sources/**', 'src/directory/**', 'src/scheduler/**'],
    ['notify', 'mail', 'web', 'cli'],
    'polling and the directory know nothing of mail, the web or the CLI',
  ),
  layer(['src/mail/**'], ['sources', 'notify', 'web', 'cli'], 'mail/ renders and delivers; it imports nothing of notify, web or cli'),
  layer(['src/notify/**'], ['sources', 'web', 'cli'], 'notify/ imports nothing of web or cli'),
  layer(['src/web/**', 'src/app/**'], ['cli'], 'nothing below cli/ imports from it'),
  prettier,
);
