// The current context's credentials as kdiag reads them without client-node (credentials.ts), with
// kubectl's semantics: files relative to the kubeconfig that names them, a file over inline data, a token
// over a token file, `as` as Impersonate-User, and nothing read from a file until it is used.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { credentialsFor } from '../../src/cluster/credentials.js';
import { loadKubeConfig } from '../../src/cluster/kubeconfig.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kdiag-cred-'));
mkdirSync(path.join(dir, 'sub', 'pki'), { recursive: true });
writeFileSync(path.join(dir, 'sub', 'pki', 'ca.pem'), 'CA-FROM-FILE');
writeFileSync(path.join(dir, 'sub', 'pki', 'client.pem'), 'CERT-FROM-FILE');
writeFileSync(path.join(dir, 'sub', 'token'), 'tok-from-file\n');
const kubeconfig = (user: string) => {
  const p = path.join(dir, 'sub', `kc-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    p,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", certificate-authority: pki/ca.pem,',
      `  certificate-authority-data: ${Buffer.from('CA-FROM-DATA').toString('base64')}, tls-server-name: api.example}}]`,
      `users: [{name: u, user: ${user}}]`,
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n'),
  );
  return p;
};

test('relative files resolve against the kubeconfig folder, and a file wins over data', async () => {
  const kc = await loadKubeConfig({
    kubeconfig: kubeconfig(
      `{client-certificate: pki/client.pem, client-key-data: ${Buffer.from('K').toString('base64')}, tokenFile: token, as: alice}`,
    ),
  });
  const c = await credentialsFor(kc, false);
  expect(c.ca?.toString()).toBe('CA-FROM-FILE');
  expect(c.cert?.toString()).toBe('CERT-FROM-FILE');
  expect(c.key?.toString()).toBe('K');
  expect(c.servername).toBe('api.example');
  expect(c.headers).toEqual({ Authorization: 'Bearer tok-from-file', 'Impersonate-User': 'alice' });
});

test('a token wins over a token file; username/password is Basic auth', async () => {
  const kc = await loadKubeConfig({
    kubeconfig: kubeconfig('{token: inline, tokenFile: missing, username: bob, password: pw}'),
  });
  const c = await credentialsFor(kc, false);
  expect(c.headers.Authorization).toBe('Bearer inline');
  expect(c.auth).toBe('bob:pw');
});

test('a missing credential file fails with its path, when it is used', async () => {
  const kc = await loadKubeConfig({ kubeconfig: kubeconfig('{client-certificate: pki/nope.pem}') });
  await expect(credentialsFor(kc, false)).rejects.toThrow(/ENOENT.*pki\/nope\.pem/);
});

test('an auth-provider user goes through client-node (gcp with a live access token)', async () => {
  const kc = await loadKubeConfig({
    kubeconfig: kubeconfig(
      '{auth-provider: {name: gcp, config: {access-token: GCPTOKEN, expiry: "2999-01-01T00:00:00Z"}}}',
    ),
  });
  const c = await credentialsFor(kc, false);
  expect(c.headers.Authorization).toBe('Bearer GCPTOKEN');
});
