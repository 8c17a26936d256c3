// The current context's TLS material and auth headers, read from the kubeconfig the way client-node's
// KubeConfig.applyToHTTPSOptions does (config.js: applyHTTPSOptions, applyAuthorizationHeader, then Basic
// auth) and client-go agrees: a file wins over inline data, a token over a token file, and an
// `auth-provider` (oidc, gcp, azure) is applied by client-node itself, imported only for such a user.
// Files are read here, on use; an unreadable one throws with its path and errno, never its content.
import { readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import type { Kubeconfig, KubeconfigUser } from './kubeconfig-types.js';

export interface Credentials {
  headers: Record<string, string>;
  ca?: Buffer;
  cert?: Buffer | string;
  key?: Buffer | string;
  servername?: string;
  rejectUnauthorized?: boolean;
  /** user:password for Basic auth (username/password in the kubeconfig). */
  auth?: string;
}

/** A file wins over inline base64 data (client-node bufferFromFileOrString, client-go dataFromSliceOrFile). */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}

/**
 * `skipPlugin`: an exec credential plugin is configured and kdiag runs it itself (exec-credential.ts),
 * so neither `exec` nor an auth-provider that wraps one is applied here.
 */
export async function credentialsFor(kc: Kubeconfig, skipPlugin: boolean): Promise<Credentials> {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const out: Credentials = { headers: {} };
  if (cluster?.skipTLSVerify) out.rejectUnauthorized = false;
  if (cluster?.tlsServerName) out.servername = cluster.tlsServerName;
  out.ca = cluster ? fileOrData(cluster.caFile, cluster.caData) : undefined;
  if (!user) return out;
  out.cert = fileOrData(user.certFile, user.certData);
  out.key = fileOrData(user.keyFile, user.keyData);
  if (user.impersonateUser) out.headers['Impersonate-User'] = user.impersonateUser;
  const provider = user.authProvider;
  if (provider && !(skipPlugin && provider.config?.exec)) {
    const tokenFile = provider.config?.tokenFile;
    // client-node's FileAuth (the in-cluster service account of older configs): any provider with a tokenFile.
    if (typeof tokenFile === 'string' && tokenFile)
      out.headers.Authorization = `Bearer ${readFileSync(tokenFile, 'utf8').trim()}`;
    else await applyAuthProvider(kc, user, out);
  }
  if (user.token) out.headers.Authorization = `Bearer ${user.token}`;
  else if (user.tokenFile) out.headers.Authorization = `Bearer ${readFileSync(user.tokenFile, 'utf8').trim()}`;
  if (user.username) out.auth = `${user.username}:${user.password ?? ''}`;
  return out;
}

/** oidc/gcp/azure through client-node's authenticators: the one path that still imports it. */
async function applyAuthProvider(kc: Kubeconfig, user: KubeconfigUser, out: Credentials): Promise<void> {
  const k8s = await import('@kubernetes/client-node');
  const cluster = kc.getCurrentCluster()!;
  const ctx = kc.getContextObject(kc.currentContext)!;
  const one = new k8s.KubeConfig();
  one.loadFromOptions({
    clusters: [cluster],
    users: [{ ...user, exec: undefined, token: undefined, username: undefined }],
    contexts: [{ ...ctx }],
    currentContext: ctx.name,
  });
  const o: RequestOptions = {};
  try {
    await one.applyToHTTPSOptions(o);
  } catch (e) {
    // client-node refuses plain http unless insecure-skip-tls-verify is set (after the headers are set);
    // kubectl allows it.
    if (!/HTTP protocol is not allowed/.test(String((e as Error)?.message ?? e))) throw e;
  }
  const auth = (o.headers as Record<string, unknown> | undefined)?.Authorization;
  if (typeof auth === 'string') out.headers.Authorization = auth;
}
