// Every flag shared by more than one command, defined once with one meaning each and spelled as kubectl
// spells it. The base command parses the shared ones (README "Global flags" documents them).
import { Flags } from '@oclif/core';
import { FAIL_ON } from './gate/gate.js';
import { GATE_FORMATS } from './gate/output.js';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Parsed by the base command's setup(): once, for every command that has it. */
export function requestTimeoutFlag(
  defaultValue: string,
  description: string,
  extra: { aliases?: string[]; deprecateAliases?: boolean } = {},
) {
  return Flags.string({ description, default: defaultValue, helpGroup: 'CLUSTER', ...extra });
}

export const outputOnlyFlags = {
  'no-color': Flags.boolean({ description: 'disable colours (also NO_COLOR)', helpGroup: 'OUTPUT' }),
  verbose: Flags.boolean({
    char: 'v',
    description: 'print each API call with its timing on stderr (and stacks of errors)',
    helpGroup: 'OUTPUT',
  }),
};

export const clusterFlags = {
  kubeconfig: Flags.string({
    description: 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)',
    helpGroup: 'CLUSTER',
  }),
  context: Flags.string({ description: 'kubeconfig context to use', helpGroup: 'CLUSTER' }),
  'request-timeout': requestTimeoutFlag('30s', 'time to wait for each API call or exec, e.g. 30s, 1m (0 = no limit)'),
  'cilium-namespace': Flags.string({
    description: 'namespace of the Cilium agents (default: discovered, fallback kube-system)',
    helpGroup: 'CLUSTER',
  }),
  concurrency: Flags.integer({
    description: 'how many nodes to query at once',
    default: 32,
    min: 1,
    max: 512,
    helpGroup: 'CLUSTER',
  }),
  qps: Flags.integer({
    description: 'most API calls per second, each exec and log stream included (client-go QPS; 0 = no limit)',
    default: 0,
    min: 0,
    helpGroup: 'CLUSTER',
  }),
  burst: Flags.integer({
    description: 'calls allowed at once above --qps before waiting (client-go Burst)',
    default: 10,
    min: 1,
    helpGroup: 'CLUSTER',
  }),
  ...outputOnlyFlags,
};

export const namespaceFlags = {
  namespace: Flags.string({ char: 'n', description: 'namespace scope', helpGroup: 'FILTER' }),
  'all-namespaces': Flags.boolean({ char: 'A', description: 'all namespaces', helpGroup: 'FILTER' }),
};

export const showPassedFlag = {
  'show-passed': Flags.boolean({ description: 'also list the checks that passed', helpGroup: 'OUTPUT' }),
};

/** Only what is not pass, on every command that lists per-node results. */
export const problemsFlag = {
  problems: Flags.boolean({
    description: 'only the problems: unknown, warn and fail (the rest is still counted)',
    helpGroup: 'FILTER',
  }),
};

/** `doctor clusterip` and `preflight`: a shareable report file next to the usual output. */
export const reportFlag = {
  report: Flags.string({
    description: 'also write a report: FILE.html (self-contained page with a node grid) or FILE.md (Markdown)',
    helpGroup: 'OUTPUT',
  }),
};

/** `-o/--output` with a command's own formats, and `--json` as its shorthand. */
export function outputFlagsFor(formats: readonly string[], defaultFormat = 'table', description = 'output format') {
  return {
    output: Flags.string({
      char: 'o',
      description,
      options: [...formats],
      default: defaultFormat,
      helpGroup: 'OUTPUT',
    }),
    json: Flags.boolean({ description: 'same as -o json', helpGroup: 'OUTPUT' }),
  };
}

export const outputFlags = outputFlagsFor(OUTPUT_FORMATS);

/** `kdiag preflight` and `kdiag preflight node` (the CI gate); resolved with --config by gate/flags.ts. */
export const gateFlags = {
  check: Flags.string({ description: 'run only this check (repeatable)', multiple: true, helpGroup: 'GATE' }),
  skip: Flags.string({ description: 'do not run this check (repeatable)', multiple: true, helpGroup: 'GATE' }),
  'fail-on': Flags.string({
    description: 'lowest status that fails the gate [default: fail, or fail-on in --config]',
    options: [...FAIL_ON],
    helpGroup: 'GATE',
  }),
  ignore: Flags.string({
    description:
      'suppress findings of a check (ID), a finding (ID/REASON), optionally on one node (ID@NODE); repeatable. Still listed as suppressed.',
    multiple: true,
    helpGroup: 'GATE',
  }),
  config: Flags.string({
    description: 'gate settings file (ignore: [...], fail-on: warn|fail) [default: .kdiag.yaml when present]',
    helpGroup: 'GATE',
  }),
  ...outputFlagsFor(GATE_FORMATS),
  ...problemsFlag,
  'junit-file': Flags.string({ description: 'also write the JUnit XML report to this file', helpGroup: 'OUTPUT' }),
};

/** `doctor clusterip` and `service-list`: answer from a `kdiag bundle` archive instead of the cluster. */
export const fromBundleFlag = {
  'from-bundle': Flags.string({
    description:
      'read the cluster from this bundle (kdiag bundle, or a cilium sysdump zip for what it holds) instead of the API: the same answer, offline',
    helpGroup: 'CLUSTER',
  }),
};

/**
 * `doctor clusterip NS/SVC` and `preflight`: watch what the datapath drops this long (validated once by
 * `observeMs` in src/engine/observe.ts: above 0, at most 10m). `where` says which nodes the command watches.
 */
export function observeFlag(where: string) {
  return {
    observe: Flags.string({
      description: `watch what the datapath drops this long (e.g. 10s, at most 10m) ${where} (cilium-dbg monitor --type drop)`,
    }),
  };
}
