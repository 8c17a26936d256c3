// Several kubeconfig files merge exactly as kubectl merges them (issue #20 item 12), checked against real
// `kubectl config view --merge --raw -o json` on the same files. The cases follow client-go's own
// k8s.io/client-go/tools/clientcmd/loader_test.go: TestConflictingCurrentContext (first current-context
// wins), Example_mergingSomeWithConflict (first file to set a name wins, the whole entry),
// TestResolveRelativePaths (paths relative to each file's folder; a bare exec command stays on PATH) and
// TestDuplicateClusterName (a name twice in one file is an error).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { mergeKubeconfigs, type RawKubeconfig } from '../../src/cluster/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'kdiag-kc-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(rel: string, text: string): string {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text, { mode: 0o600 });
  return p;
}

function kubectlMerge(files: string[]): RawKubeconfig {
  const out = execFileSync('kubectl', ['config', 'view', '--merge', '--raw', '-o', 'json'], {
    env: { ...process.env, KUBECONFIG: files.join(delimiter) },
    encoding: 'utf8',
  });
  return JSON.parse(out) as RawKubeconfig;
}

const PATHS = new Set(['certificate-authority', 'client-certificate', 'client-key', 'tokenFile', 'command']);
/** Entries sorted by name; defaults kubectl prints (null, false) and file paths (it re-relativizes them) left out. */
function shape(c: RawKubeconfig): unknown {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k, x]) => x !== null && x !== false && !PATHS.has(k))
          .map(([k, x]) => [k, clean(x)]),
      );
    return v;
  };
  const byName = (l: { name?: unknown }[]) => [...l].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return clean({
    clusters: byName(c.clusters ?? []),
    users: byName(c.users ?? []),
    contexts: byName(c.contexts ?? []),
    'current-context': c['current-context'] ?? '',
    preferences: c.preferences ?? {},
  });
}

const A = `apiVersion: v1
kind: Config
current-context: any-context-value
clusters:
- name: cow-cluster
  cluster: {server: "http://cow.org:8080", certificate-authority: ../relative/ca}
users:
- name: red-user
  user: {token: red-token, client-certificate: relative/client/cert, client-key: /absolute/client/key}
- name: relative-cmd-1
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ../relative/client/cmd}}
- name: path-cmd-1
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: cmd}}
contexts:
- name: federal-context
  context: {cluster: cow-cluster, user: red-user, namespace: hammer-ns}
`;
const B = `apiVersion: v1
kind: Config
current-context: a-different-context
preferences: {colors: true}
clusters:
- name: cow-cluster
  cluster: {server: "http://cow.org:9090"}
- name: chicken-cluster
  cluster: {server: "http://chicken.org:8080", insecure-skip-tls-verify: yes}
users:
- name: red-user
  user: {token: other-token}
- name: black-user
  user: {token: black-token}
contexts:
- name: federal-context
  context: {cluster: chicken-cluster, user: black-user}
- name: shaker-context
  context: {cluster: chicken-cluster, user: black-user, namespace: saw-ns}
`;
// The split that broke kdiag: users and contexts in one file, clusters only in the next.
const USERS = `apiVersion: v1
kind: Config
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
`;
const CLUSTERS = `apiVersion: v1
kind: Config
current-context: c
clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443"}}]
`;

describe('KUBECONFIG merge equals kubectl config view --merge', () => {
  const a = file('d1/a.kc', A);
  const b = file('d2/sub/b.kc', B);
  const users = file('split/users.kc', USERS);
  const clusters = file('split/clusters.kc', CLUSTERS);
  const empty = file('empty.kc', '');
  const cases: [string, string[]][] = [
    ['first file to set a name or current-context wins (a:b)', [a, b]],
    ['the other order (b:a)', [b, a]],
    ['users.kc:clusters.kc (no clusters in the first file)', [users, clusters]],
    ['clusters.kc:users.kc', [clusters, users]],
    ['an empty file and a missing file are skipped', [empty, join(dir, 'missing.kc'), users, clusters]],
    ['all of them', [users, b, clusters, a]],
  ];
  test.each(cases)('%s', (_name, files) => {
    expect(shape(mergeKubeconfigs(files.filter((f) => !f.endsWith('missing.kc'))))).toEqual(shape(kubectlMerge(files)));
  });

  test('relative paths resolve against their own file; a bare exec command stays on PATH', () => {
    const m = mergeKubeconfigs([a, b]);
    const user = (n: string) => m.users.find((u) => u.name === n)!.user as Record<string, any>;
    const cluster = m.clusters.find((c) => c.name === 'cow-cluster')!.cluster as Record<string, string>;
    expect(cluster['certificate-authority']).toBe(join(dir, 'relative/ca'));
    expect(user('red-user')['client-certificate']).toBe(join(dir, 'd1/relative/client/cert'));
    expect(user('red-user')['client-key']).toBe('/absolute/client/key');
    expect(user('relative-cmd-1').exec.command).toBe(join(dir, 'relative/client/cmd'));
    expect(user('path-cmd-1').exec.command).toBe('cmd');
  });

  test('a name listed twice in one file is an error, as in kubectl', () => {
    const dup = file(
      'dup.kc',
      'clusters: [{name: x, cluster: {server: "https://a"}}, {name: x, cluster: {server: "https://b"}}]\n',
    );
    expect(() => kubectlMerge([dup])).toThrow();
    expect(() => mergeKubeconfigs([dup])).toThrow(/clusters lists the name "x" twice/);
  });
});

describe('hostile kubeconfigs: one line naming the file, never its content', () => {
  test('a YAML error names file, line and key; the token is not echoed', () => {
    const p = file('bad.kc', 'users:\n- name: u\n  user:\n    token: SECRET-abc123\n      oops: [SECRET-abc123\n');
    let msg = '';
    try {
      mergeKubeconfigs([p]);
    } catch (e) {
      msg = (e as Error).message + ' ' + ((e as { hint?: string }).hint ?? '');
    }
    expect(msg).toMatch(/bad\.kc: invalid YAML at line \d+ \(under key "users\.user\.token"\)/);
    expect(msg).not.toContain('SECRET');
  });
  test('empty, binary and non-mapping files', () => {
    expect(() => mergeKubeconfigs([file('e.kc', '\n\n')], true)).toThrow(/e\.kc is empty$/);
    const bin = join(dir, 'bin.kc');
    writeFileSync(bin, Buffer.from([0x00, 0xff, 0x74, 0x6f, 0x6b]));
    expect(() => mergeKubeconfigs([bin])).toThrow(/bin\.kc is not a text file \(binary data\)$/);
    expect(() => mergeKubeconfigs([file('s.kc', 'just a string\n')])).toThrow(/not a kubeconfig/);
  });
});
