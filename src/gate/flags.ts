// Flags shared by `kdiag preflight` and `kdiag preflight node` (the CI gate), and how they resolve
// together with --config .kdiag.yaml.
import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { FAIL_ON, loadGateConfig, parseIgnore, type FailOn, type IgnoreRule } from './gate.js';
import { GATE_FORMATS } from './output.js';
import { outputFlagsFor } from '../base-command.js';

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
  'junit-file': Flags.string({ description: 'also write the JUnit XML report to this file', helpGroup: 'OUTPUT' }),
};

export interface GateSettings {
  failOn: FailOn;
  ignores: IgnoreRule[];
}

export async function resolveGate(
  flags: { 'fail-on'?: string; ignore?: string[]; config?: string },
  knownChecks: Iterable<string>,
): Promise<GateSettings> {
  const path = flags.config ?? (existsSync('.kdiag.yaml') ? '.kdiag.yaml' : undefined);
  const file = path ? await loadGateConfig(path) : { ignore: [] as string[], 'fail-on': undefined };
  const known = [...knownChecks];
  const ignores = [...file.ignore, ...(flags.ignore ?? [])].map((r) => parseIgnore(r, known));
  return { failOn: (flags['fail-on'] as FailOn | undefined) ?? file['fail-on'] ?? 'fail', ignores };
}
