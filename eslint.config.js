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
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
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
  ...layerRules,
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
