// kdiag's own resolved kubeconfig: the clusters, users and contexts of the merged files (kubeconfig.ts),
// with the fields kdiag uses, named as client-node names them (config_types.ts) so its auth-provider
// plugins can take a user as is. File paths are already absolute (resolveLocalPaths); credentials are
// read from files only when used (credentials.ts), as client-go does.
import type { ExecPluginConfig } from './exec-credential.js';

export interface KubeconfigCluster {
  name: string;
  server: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface KubeconfigUser {
  name: string;
  token?: string;
  /** client-go's `tokenFile` (and client-node's `token-file`): read when no `token` is set. */
  tokenFile?: string;
  certData?: string;
  certFile?: string;
  keyData?: string;
  keyFile?: string;
  username?: string;
  password?: string;
  /** `as`: sent as Impersonate-User. */
  impersonateUser?: string;
  exec?: ExecPluginConfig;
  /** `auth-provider` (oidc, gcp, azure): applied by client-node, loaded only for such a user. */
  authProvider?: { name?: string; config?: Record<string, unknown> & { exec?: ExecPluginConfig } };
}

export interface KubeconfigContext {
  name: string;
  cluster: string;
  user?: string;
  namespace?: string;
}

export class Kubeconfig {
  constructor(
    readonly clusters: KubeconfigCluster[],
    readonly users: KubeconfigUser[],
    readonly contexts: KubeconfigContext[],
    public currentContext: string | undefined,
  ) {}

  getCurrentContext(): string {
    return this.currentContext ?? '';
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
  }

  getContextObject(name: string | undefined): KubeconfigContext | undefined {
    return this.contexts.find((c) => c.name === name);
  }

  getCurrentCluster(): KubeconfigCluster | undefined {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? this.clusters.find((c) => c.name === ctx.cluster) : undefined;
  }

  getCurrentUser(): KubeconfigUser | undefined {
    const ctx = this.getContextObject(this.currentContext);
    return ctx?.user !== undefined ? this.users.find((u) => u.name === ctx.user) : undefined;
  }
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/**
 * The merged kubeconfig as kdiag's type. The checks and their messages are client-node's
 * (config_types.js newClusters/newUsers/newContexts): a list index and a missing field, never a value.
 */
export function fromRaw(raw: {
  clusters: Obj[];
  users: Obj[];
  contexts: Obj[];
  'current-context'?: string;
}): Kubeconfig {
  const clusters = raw.clusters.map((e, i): KubeconfigCluster => {
    if (!e.name) throw new Error(`clusters[${i}].name is missing`);
    const c = obj(e.cluster);
    if (!c) throw new Error(`clusters[${i}].cluster is missing`);
    if (!c.server) throw new Error(`clusters[${i}].cluster.server is missing`);
    return {
      name: String(e.name),
      server: String(c.server).replace(/\/$/, ''),
      caData: str(c['certificate-authority-data']),
      caFile: str(c['certificate-authority']),
      skipTLSVerify: c['insecure-skip-tls-verify'] === true,
      tlsServerName: str(c['tls-server-name']),
      proxyUrl: str(c['proxy-url']),
    };
  });
  const users = raw.users.map((e, i): KubeconfigUser => {
    if (!e.name) throw new Error(`users[${i}].name is missing`);
    const u = obj(e.user) ?? {};
    const exec = obj(u.exec);
    const provider = obj(u['auth-provider']);
    return {
      name: String(e.name),
      token: str(u.token),
      tokenFile: str(u.tokenFile) ?? str(u['token-file']),
      certData: str(u['client-certificate-data']),
      certFile: str(u['client-certificate']),
      keyData: str(u['client-key-data']),
      keyFile: str(u['client-key']),
      username: str(u.username),
      password: typeof u.password === 'string' ? u.password : undefined,
      impersonateUser: str(u.as),
      exec: exec ? (exec as unknown as ExecPluginConfig) : undefined,
      authProvider: provider ? (provider as KubeconfigUser['authProvider']) : undefined,
    };
  });
  const contexts = raw.contexts.map((e, i): KubeconfigContext => {
    if (!e.name) throw new Error(`contexts[${i}].name is missing`);
    const c = obj(e.context);
    if (!c) throw new Error(`contexts[${i}].context is missing`);
    if (!c.cluster) throw new Error(`contexts[${i}].context.cluster is missing`);
    return {
      name: String(e.name),
      cluster: String(c.cluster),
      user: str(c.user),
      namespace: str(c.namespace),
    };
  });
  return new Kubeconfig(clusters, users, contexts, raw['current-context']);
}
