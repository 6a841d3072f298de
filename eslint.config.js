// ESLint for coursepack's JavaScript (run by scripts/test.sh): the browser runtime and the
// preview's static files are classic scripts for browsers (no modules, no bundler); the pure
// runtime modules also export themselves under Node for the node tests (tests/js).
'use strict';

const js = require('@eslint/js');
const globals = require('globals');

const rules = {
  ...js.configs.recommended.rules,
  eqeqeq: ['error', 'always'],
  'no-var': 'error',
  'no-implicit-globals': 'error',
  // an unused parameter documents a callback's signature; an unused catch binding is harmless
  'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
};

module.exports = [
  {
    files: ['templates/runtime/**/*.js', 'builder/preview/static/**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'script',
      globals: { ...globals.browser, module: 'readonly' },
    },
    rules,
  },
  {
    files: ['tests/js/**/*.js', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: globals.node },
    rules,
  },
];
