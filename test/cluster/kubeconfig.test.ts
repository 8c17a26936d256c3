import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKubeConfig } from '../../src/cluster/kubeconfig.js';
import { KdiagError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kdiag-kc-'));
const file = (name: string, ctx: string, server: string, current?: string) => {
  const p = path.join(dir, name);
  writeFileSync(
    p,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: ${ctx}, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
      `users: [{name: ${ctx}, user: {token: t-${ctx}}}]`,
      `contexts: [{name: ${ctx}, context: {cluster: ${ctx}, user: ${ctx}}}]`,
      current ? `current-context: ${current}` : '',
    ].join('\n'),
  );
  return p;
};

describe('kubeconfig loading like kubectl', () => {
  const a = file('a', 'alpha', 'http://127.0.0.1:1', 'alpha');
  const b = file('b', 'beta', 'http://127.0.0.1:2', 'beta');
  const saved = process.env.KUBECONFIG;
  afterEach(() => {
    process.env.KUBECONFIG = saved;
  });

  test('KUBECONFIG with several files merges them; the first current-context wins', async () => {
    process.env.KUBECONFIG = [a, b].join(path.delimiter);
    const kc = await loadKubeConfig({});
    expect(kc.getCurrentContext()).toBe('alpha');
    expect(kc.contexts.map((c) => c.name).sort()).toEqual(['alpha', 'beta']);
    const other = await loadKubeConfig({ context: 'beta' });
    expect(other.getCurrentCluster()?.server).toBe('http://127.0.0.1:2');
  });

  test('--kubeconfig wins over KUBECONFIG', async () => {
    process.env.KUBECONFIG = a;
    const kc = await loadKubeConfig({ kubeconfig: b });
    expect(kc.getCurrentContext()).toBe('beta');
  });

  test('unknown context and missing file are one-line config errors', async () => {
    await expect(loadKubeConfig({ kubeconfig: a, context: 'nope' })).rejects.toThrow(/context "nope" does not exist/);
    await expect(loadKubeConfig({ kubeconfig: path.join(dir, 'missing') })).rejects.toBeInstanceOf(KdiagError);
  });
});
