// ESLint with type information (typescript-eslint), over every TypeScript file the tsconfig.json covers.
// Formatting is prettier's job (`npm run format:check`), so no stylistic rules here.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The layers (docs/architecture.md): each folder may import only the folders below it, so a file
// that imports across a forbidden boundary fails `npm run lint`, and so `npm test`. A nested
// folder keeps its parent's limits (a later flat-config entry replaces a rule's options, so the
// lists are merged here). Below the worker and the broker nothing speaks MQTT.
const LAYERS = {
  'src/util': ['metrics', 'identity', 'scenario', 'coordinator', 'worker', 'report', 'broker', 'cli', 'sign-bench'],
  'src/metrics': ['identity', 'scenario', 'coordinator', 'worker', 'report', 'broker', 'cli', 'sign-bench'],
  'src/identity': ['metrics', 'scenario', 'coordinator', 'worker', 'report', 'broker', 'cli', 'sign-bench'],
  'src/scenario': ['coordinator', 'worker', 'report', 'broker', 'cli', 'sign-bench'],
  'src/broker': ['scenario', 'coordinator', 'worker', 'report', 'cli', 'sign-bench'],
  'src/worker': ['coordinator', 'report', 'broker', 'cli', 'sign-bench'],
  'src/worker/engines/lean': ['mqttjs'],
  'src/worker/engines/mqttjs': ['lean'],
  'src/report': ['coordinator', 'worker', 'broker', 'cli', 'sign-bench'],
  'src/report/model': ['judge', 'render', 'merge', 'compare'],
  'src/report/judge': ['render', 'merge', 'compare'],
  'src/report/render': ['merge', 'compare'],
  'src/report/merge': ['render', 'compare'],
  'src/report/compare': ['merge'],
  'src/coordinator': ['cli', 'sign-bench', 'render', 'compare'],
};
const NO_MQTT = ['src/util', 'src/metrics', 'src/identity', 'src/scenario', 'src/report', 'src/coordinator'];
const layerRules = Object.keys(LAYERS).map((folder) => {
  const outer = Object.keys(LAYERS).filter((f) => folder === f || folder.startsWith(`${f}/`));
  const forbidden = [...new Set(outer.flatMap((f) => LAYERS[f]))];
  const mqtt = outer.some((f) => NO_MQTT.includes(f));
  return {
    files: [`${folder}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: `(^|/)(${forbidden.join('|')})/`, message: 'imports across a layer boundary (docs/architecture.md)' }],
          ...(mqtt ? { paths: ['mqtt', 'mqtt-packet', 'aedes'].map((name) => ({ name, message: 'MQTT belongs to worker/ and broker/' })) } : {}),
        },
      ],
    },
  };
});

export default defineConfig(
  { ignores: ['dist/', 'reports/', 'node_modules/'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // A number interpolates one way only; what the strict set is after is `undefined`, `null`
      // and objects reaching a message, which stay errors.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowAny: false, allowBoolean: false, allowNullish: false, allowRegExp: false, allowNever: false },
      ],
      // `() => socket.destroy()` and `return done(null, true)` in a callback typed to return
      // void are how Node and Aedes callbacks read; a void used as a value elsewhere still fails.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // A cast is a claim the compiler cannot check: `as` only, and never to shape an object
      // literal, which `satisfies` or a typed variable checks instead.
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'as', objectLiteralTypeAssertions: 'never' }],
      // node:test's test()/describe() return promises that the runner itself awaits and reports;
      // awaiting them at top level would serialise the file for nothing.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
        },
      ],
    },
  },
  {
    // One idea per file (docs/architecture.md). A file past 300 lines says why at its top, with
    // `/* eslint-disable max-lines -- <reason> */`.
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    // Tests and benches check at run time what the types promise, and print whatever they hold.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // A wrong `!` throws, and a throw fails the test or the bench: the check is the run itself.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Asserting a value the type calls impossible is what a test is for.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Assertion messages and bench lines print `undefined`, `null` and booleans as they are.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowNullish: true, allowBoolean: true }],
      // Fakes are partial objects of a real type (a socket, a TLS socket, a scenario fragment).
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'as', objectLiteralTypeAssertions: 'allow' }],
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // The fuzz tests split strings by code point on purpose.
      '@typescript-eslint/no-misused-spread': 'off',
      // `close: () => Promise.resolve(floor.close())` and the like in bench harnesses.
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  ...layerRules,
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
