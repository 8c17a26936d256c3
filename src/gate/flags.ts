// How the gate flags (defined in src/flags.ts) resolve together with --config .kdiag.yaml, for
// `kdiag preflight` and `kdiag preflight node`.
import { existsSync } from 'node:fs';
import { loadGateConfig, parseIgnore, type FailOn, type IgnoreRule } from './gate.js';

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
