import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createNodeResolver } from 'eslint-plugin-import-x/node-resolver';

// Imports point down (docs/architecture.md):
//   commands → engine → datapath → checks → cilium → model → errors
//   commands → gate → engine (the gate is preflight's run over the engine); gate → render; node/ and logs/ sit beside the engine's inputs; cluster/ only below.
// Each zone lists what a folder may NOT import (import-x/no-restricted-paths: `target` may not import `from`).
const down = (target, from, message) => ({ target, from, message });
const zones = [
  down('./src/!(sim|commands)/**', './src/sim', 'only src/sim and the sim command import the simulator'),
  down('./src/commands/!(sim)/**', './src/sim', 'only src/sim and the sim command import the simulator'),
  down('./src/!(commands)/**', './src/commands', 'nothing imports a command'),
  down('./src/!(commands|engine|gate)/**', './src/engine', 'only commands and the gate (the preflight run) call the engine'),
  down('./src/engine/**', './src/gate', 'the gate runs the engine, not the other way round'),
  down(
    './src/!(commands|engine|gate|datapath)/**',
    './src/datapath',
    'the datapath seam is the engine’s (and the gate’s list of checks)',
  ),
  down(
    './src/!(commands|engine|datapath|gate|checks)/**',
    './src/checks',
    'checks are picked by the datapath and the engine',
  ),
  down('./src/checks/**', './src/cluster', 'checks are pure: they read facts, never the cluster'),
  down('./src/checks/**', './src/node', 'checks are pure: they read facts, never the node'),
  down('./src/model/**', './src/!(model|errors.ts)/**', 'src/model is the bottom layer: it imports only src/errors.ts'),
  down(
    './src/cilium/**',
    ['./src/engine', './src/checks', './src/datapath', './src/gate', './src/render', './src/node', './src/logs'],
    'src/cilium is Cilium knowledge: it imports only model, cluster and errors',
  ),
  down('./src/render/**', ['./src/gate', './src/engine', './src/checks', './src/cluster'], 'render prints models'),
  down('./src/report/**', ['./src/gate', './src/engine', './src/checks', './src/cluster'], 'a report prints models'),
  down('./src/cluster/**', ['./src/!(cluster|errors.ts)/**'], 'the cluster layer imports only errors'),
  down('./src/errors.ts', './src', 'errors is the floor'),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.kdiag-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } }),
      ],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }],
    },
  },
  // Tests read untyped JSON output of the CLI.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
