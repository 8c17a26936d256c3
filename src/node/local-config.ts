// The Cilium settings `preflight node` and `bpf progs --local` judge against, without a cluster:
// a cilium-config ConfigMap mounted as a volume (one file per key, as the agent itself mounts it at
// /tmp/cilium/config-map), a YAML/JSON file (a ConfigMap manifest or a plain key: value map), and flags.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseCiliumVersion } from '../cilium/versions.js';
import { KdiagError, oneLine } from '../errors.js';

export async function loadCiliumConfig(path: string): Promise<Record<string, string>> {
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    throw new KdiagError(
      'config',
      `cannot read --cilium-config ${path}: ${(e as NodeJS.ErrnoException).code ?? oneLine(e)}`,
    );
  }
  if (s.isDirectory()) {
    const out: Record<string, string> = {};
    for (const name of await readdir(path)) {
      if (name.startsWith('.')) continue; // ConfigMap volumes keep `..data` and timestamped dirs
      const f = join(path, name);
      if ((await stat(f)).isFile()) out[name] = (await readFile(f, 'utf8')).trim();
    }
    return out;
  }
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(path, 'utf8'));
  } catch (e) {
    throw new KdiagError('config', `cannot parse --cilium-config ${path}: ${oneLine(e)}`);
  }
  const obj =
    doc && typeof doc === 'object' && 'data' in doc && (doc as { kind?: unknown }).kind === 'ConfigMap'
      ? (doc as { data: unknown }).data
      : doc;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    throw new KdiagError('config', `--cilium-config ${path}: expected a ConfigMap or a map of key: value`);
  return Object.fromEntries(Object.entries(obj as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

export interface LocalExpectationFlags {
  'cilium-config'?: string;
  'cilium-version'?: string;
  kpr?: boolean;
}

/** ConfigMap data plus flag overrides, and the Cilium minor (undefined: either program naming). */
export async function localCiliumSettings(
  flags: LocalExpectationFlags,
): Promise<{ config: Record<string, string>; minor?: number }> {
  const config = flags['cilium-config'] ? await loadCiliumConfig(flags['cilium-config']) : {};
  if (flags.kpr) config['kube-proxy-replacement'] = 'true';
  let minor: number | undefined;
  if (flags['cilium-version']) {
    const v = parseCiliumVersion(flags['cilium-version']);
    if (!v)
      throw new KdiagError('usage', `invalid --cilium-version "${flags['cilium-version']}": use e.g. 1.16 or v1.16.5`);
    minor = v.minor;
  }
  return { config, minor };
}
