// Kubeconfig loading the way kubectl does it: --kubeconfig (one file), else $KUBECONFIG (several files,
// merged), else ~/.kube/config, else the in-cluster service account. Files are read, merged and turned
// into kdiag's own Kubeconfig (kubeconfig-types.ts) here, without @kubernetes/client-node: importing it
// loads its generated API models (about 0.9 s of CPU and 100 MB of heap per run, issue #13). A kubeconfig
// holds secrets: no message built here quotes its content, only the file, a line number and key names.
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { KdiagError, oneLine } from '../errors.js';
import { Kubeconfig, fromRaw } from './kubeconfig-types.js';

export { Kubeconfig } from './kubeconfig-types.js';
export type { KubeconfigCluster, KubeconfigUser, KubeconfigContext } from './kubeconfig-types.js';

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
}

type Named = { name?: unknown; [k: string]: unknown };
/** A kubeconfig as kubectl prints it with `config view --raw -o json`. */
export interface RawKubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  'current-context'?: string;
  preferences: Record<string, unknown>;
}

const LISTS = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const;

/** Where a pod's service account is mounted (client-go rest.InClusterConfig). */
export const SERVICEACCOUNT_ROOT = '/var/run/secrets/kubernetes.io/serviceaccount';

export async function loadKubeConfig(opts: KubeconfigOptions): Promise<Kubeconfig> {
  let kc: Kubeconfig;
  const files = opts.kubeconfig
    ? [opts.kubeconfig]
    : (process.env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f.length > 0);
  const home = path.join(homedir(), '.kube', 'config');
  if (files.length > 0 || existsSync(home)) {
    const list = files.length > 0 ? files : [home];
    const explicit = Boolean(opts.kubeconfig) || files.length === 0;
    if (opts.kubeconfig && !existsSync(opts.kubeconfig))
      throw new KdiagError('config', `kubeconfig ${opts.kubeconfig} does not exist`);
    const merged = mergeKubeconfigs(
      list.filter((f) => existsSync(f)), // kubectl ignores missing files listed in $KUBECONFIG
      explicit,
    );
    if (merged.clusters.length === 0 && merged.contexts.length === 0)
      throw new KdiagError('config', `no usable kubeconfig in ${list.join(path.delimiter)}: no clusters or contexts`);
    try {
      kc = fromRaw(merged);
    } catch (e) {
      // The checks name a list index and a missing field, never a value (client-node's words).
      throw new KdiagError('config', `invalid kubeconfig ${list.join(path.delimiter)}: ${oneLine(e)}`);
    }
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    try {
      kc = inCluster(process.env.KUBERNETES_SERVICE_HOST, process.env.KUBERNETES_SERVICE_PORT);
    } catch (e) {
      throw new KdiagError('config', `cannot load the in-cluster service account: ${oneLine(e)}`, { cause: e });
    }
  } else {
    throw new KdiagError('config', 'no kubeconfig: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config', {
      hint: 'to try kdiag without a cluster: kdiag sim --scenario healthy --write-kubeconfig /tmp/kdiag.kubeconfig',
    });
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new KdiagError('config', `context "${opts.context}" does not exist in the kubeconfig`, {
        hint: `known contexts: ${kc.contexts.map((c) => c.name).join(', ') || 'none'}`,
      });
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KdiagError('config', `kubeconfig has no current cluster (current-context "${kc.currentContext ?? ''}")`, {
      hint: 'pass --context NAME',
    });
  }
  return kc;
}

/**
 * The pod's own service account, as client-node's loadFromCluster builds it: the API at
 * KUBERNETES_SERVICE_HOST:PORT (plain http on 80/8080/8001, an IPv6 host in brackets), the mounted CA,
 * and the token file read on use (so a rotated token is picked up).
 */
function inCluster(host: string, port: string | undefined): Kubeconfig {
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const namespaceFile = `${SERVICEACCOUNT_ROOT}/namespace`;
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8') : undefined;
  return new Kubeconfig(
    [
      {
        name: 'inCluster',
        server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        caFile: `${SERVICEACCOUNT_ROOT}/ca.crt`,
        skipTLSVerify: false,
      },
    ],
    [{ name: 'inClusterUser', tokenFile: `${SERVICEACCOUNT_ROOT}/token` }],
    [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace }],
    'inClusterContext',
  );
}

/**
 * kubectl's merge of several kubeconfig files (k8s.io/client-go/tools/clientcmd/loader.go,
 * ClientConfigLoadingRules.Load): relative paths are resolved against each file's folder first
 * (ResolveLocalPaths); for clusters, users and contexts the first file to set a name wins and that entry
 * is never changed by later files (mapConfig); for current-context and preferences the first file to set
 * a non-empty value wins (nonMapConfig). An empty file is an empty config. `explicit` (one file named by
 * --kubeconfig or ~/.kube/config) turns an empty file into an error, as kubectl reports no configuration.
 */
export function mergeKubeconfigs(files: string[], explicit = false): RawKubeconfig {
  const out: RawKubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [],
    users: [],
    contexts: [],
    preferences: {},
  };
  for (const file of files) {
    const doc = readKubeconfigFile(file);
    if (doc === undefined) {
      if (explicit && files.length === 1) throw new KdiagError('config', `kubeconfig ${file} is empty`);
      continue;
    }
    resolveLocalPaths(doc, path.dirname(path.resolve(file)));
    for (const [list] of LISTS) {
      const entries = doc[list];
      if (entries === undefined || entries === null) continue;
      if (!Array.isArray(entries)) throw new KdiagError('config', `kubeconfig ${file}: "${list}" is not a list`);
      const seenHere = new Set<string>();
      for (const [i, e] of entries.entries()) {
        if (!isObject(e) || typeof e.name !== 'string' || e.name === '')
          throw new KdiagError('config', `kubeconfig ${file}: ${list}[${i}] has no name`);
        // client-go's v1 conversion refuses a name listed twice in one file.
        if (seenHere.has(e.name))
          throw new KdiagError('config', `kubeconfig ${file}: ${list} lists the name "${e.name}" twice`);
        seenHere.add(e.name);
        if (!out[list].some((x) => x.name === e.name)) out[list].push(e);
      }
    }
    const cur = doc['current-context'];
    if (!out['current-context'] && typeof cur === 'string' && cur !== '') out['current-context'] = cur;
    if (isObject(doc.preferences))
      for (const [k, v] of Object.entries(doc.preferences)) if (!(k in out.preferences)) out.preferences[k] = v;
  }
  return out;
}

/** One file as a plain object, or undefined when empty; every failure names the file and no content. */
function readKubeconfigFile(file: string): Record<string, unknown> | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new KdiagError(
      'config',
      `cannot read kubeconfig ${file}: ${(e as NodeJS.ErrnoException).code ?? oneLine(e)}`,
    );
  }
  let text: string;
  try {
    if (bytes.includes(0)) throw new Error('NUL byte');
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new KdiagError('config', `kubeconfig ${file} is not a text file (binary data)`, {
      hint: 'pass the kubeconfig YAML file with --kubeconfig or KUBECONFIG',
    });
  }
  if (text.trim() === '') return undefined;
  // YAML 1.1 as kubectl reads it (sigs.k8s.io/yaml over go-yaml: `yes` is true).
  // prettyErrors adds the line number; its message quotes the text, so only linePos is used.
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    const key = line !== undefined ? keyPathAt(text, line) : '';
    throw new KdiagError(
      'config',
      `kubeconfig ${file}: invalid YAML${line !== undefined ? ` at line ${line}` : ''}${key ? ` (under key "${key}")` : ''}`,
      { hint: `fix the YAML at that line (kdiag does not print kubeconfig content; it holds credentials)` },
    );
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return undefined;
  if (!isObject(value))
    throw new KdiagError('config', `kubeconfig ${file} is not a kubeconfig (its top level is not a mapping)`);
  return value;
}

/** The dotted key path that encloses `line` (1-based), from key names only. */
function keyPathAt(text: string, line: number): string {
  const stack: { indent: number; key: string }[] = [];
  for (const l of text.split('\n').slice(0, line)) {
    const m = /^(\s*)(?:-\s+)?([A-Za-z0-9_.-]+):(?:\s|$)/.exec(l);
    if (!m) continue;
    const indent = m[1]!.length + (l.slice(m[1]!.length).startsWith('-') ? 2 : 0);
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    stack.push({ indent, key: m[2]! });
  }
  return stack.map((s) => s.key).join('.');
}

/** client-go's ResolveLocalPaths: file references are relative to the kubeconfig that holds them. */
function resolveLocalPaths(doc: Record<string, unknown>, dir: string): void {
  const abs = (o: Record<string, unknown>, k: string) => {
    const v = o[k];
    if (typeof v === 'string' && v !== '' && !path.isAbsolute(v)) o[k] = path.join(dir, v);
  };
  for (const [list, field] of LISTS) {
    const entries = doc[list];
    if (!Array.isArray(entries)) continue;
    for (const e of entries) {
      const body = isObject(e) ? e[field] : undefined;
      if (!isObject(body)) continue;
      if (list === 'clusters') abs(body, 'certificate-authority');
      if (list === 'users') {
        for (const k of ['client-certificate', 'client-key', 'tokenFile']) abs(body, k);
        // An exec command with a path separator is a file next to the kubeconfig; a bare name uses PATH.
        if (isObject(body.exec) && typeof body.exec.command === 'string' && body.exec.command.includes(path.sep))
          abs(body.exec, 'command');
      }
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
