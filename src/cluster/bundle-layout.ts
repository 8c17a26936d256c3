// The layout of a kdiag bundle (`kdiag bundle`): one folder `kdiag-bundle/` in a tar.gz, with
// manifest.json naming every API answer, exec output and log it holds, and every one that failed and why.
// The collector (src/bundle/) writes it; the bundle client (bundle-client.ts) answers the engine from it.
import type { ErrorKind } from '../errors.js';

export const BUNDLE_DIR = 'kdiag-bundle';
export const MANIFEST = 'manifest.json';
export const BUNDLE_FORMAT = 'kdiag-bundle/v1';

/** A failure kept as the API or the container gave it, so the offline run reports the same unknown. */
export interface RecordedError {
  kind: ErrorKind;
  message: string;
  hint?: string;
  status?: number;
}

/** One collection as listed (GET path, no query): every item, or only `names` when read one by one. */
export interface ApiEntry {
  path: string;
  /** File (under kdiag-bundle/) holding `{ items: [...] }`; absent when the call failed. */
  file?: string;
  /** Only these objects were asked for (ConfigMaps, Calico CRDs); any other name is not in the bundle. */
  names?: string[];
  /** Only lists with one of these label selectors were recorded (a sysdump's Cilium DaemonSets). */
  selectors?: string[];
  error?: RecordedError;
}

export interface ExecEntry {
  namespace: string;
  pod: string;
  container: string;
  argv: string[];
  node?: string;
  /** stdout, when the command ran (whatever its exit code). */
  file?: string;
  exitCode?: number;
  stderr?: string;
  error?: RecordedError;
}

export interface LogEntry {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  node?: string;
  tailLines: number;
  file?: string;
  error?: RecordedError;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  kdiagVersion: string;
  createdAt: string;
  /** The kubeconfig context it was collected from (never the credentials). */
  context: string;
  api: ApiEntry[];
  exec: ExecEntry[];
  logs: LogEntry[];
  /** Every failure in words, for a person reading the manifest. */
  failed: { what: string; error: string }[];
}

/** Collection path and object name of a GET path: `/api/v1/namespaces/NS/pods/NAME` → (…/pods, NAME). */
export function splitApiPath(path: string): {
  collection: string;
  namespace?: string;
  resource: string;
  name?: string;
} {
  const segs = path.split('/').filter(Boolean);
  const head = segs[0] === 'api' ? 2 : 3;
  const prefix = '/' + segs.slice(0, head).join('/');
  const rest = segs.slice(head).map(decodeURIComponent);
  if (rest[0] === 'namespaces' && rest.length >= 3)
    return {
      collection: `${prefix}/namespaces/${rest[1]}/${rest[2]}`,
      namespace: rest[1],
      resource: `${prefix}/${rest[2]}`,
      name: rest[3],
    };
  return { collection: `${prefix}/${rest[0]}`, resource: `${prefix}/${rest[0]}`, name: rest[1] };
}

/**
 * Whether labels match an equality-based selector (`a=b`, `a==b`, `a!=b`, `a`, `!a`, comma = and), the
 * forms kdiag sends (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/).
 */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  return selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((req) => {
      const ne = /^([^!=]+)!=(.*)$/.exec(req);
      if (ne) return l[ne[1].trim()] !== ne[2].trim();
      const eq = /^([^!=]+)==?(.*)$/.exec(req);
      if (eq) return l[eq[1].trim()] === eq[2].trim();
      if (req.startsWith('!')) return !(req.slice(1) in l);
      return req in l;
    });
}
