// Which proxy kubectl would use for the API server, and an agent that tunnels through it. kubectl takes
// the cluster's `proxy-url` when set, else the environment the way Go reads it
// (golang.org/x/net/http/httpproxy, FromEnvironment/useProxy): HTTPS_PROXY for https servers, HTTP_PROXY
// for http ones, NO_PROXY exceptions, and never a proxy from the environment for localhost or a loopback
// IP. A proxy kdiag cannot use is refused with an error, never silently bypassed.
import type http from 'node:http';
import { isIP } from 'node:net';
import type { KubeconfigCluster } from './kubeconfig-types.js';
import { KdiagError } from '../errors.js';

export interface ProxyChoice {
  url: URL;
  /** Where it came from, for -v: "proxy-url" or the variable name. Never includes credentials. */
  via: string;
}

export function proxyFor(cluster: KubeconfigCluster, env: NodeJS.ProcessEnv = process.env): ProxyChoice | undefined {
  const server = new URL(cluster.server);
  if (cluster.proxyUrl) return { url: parseProxy(cluster.proxyUrl, 'proxy-url in the kubeconfig'), via: 'proxy-url' };
  const names = server.protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  const name = names.find((n) => env[n]);
  if (!name) return undefined;
  if (!useProxy(server, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  return { url: parseProxy(env[name]!, name), via: name };
}

/** Go's httpproxy useProxy: loopback and NO_PROXY matches go direct. */
function useProxy(server: URL, noProxy: string): boolean {
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = server.port || (server.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost' || isLoopback(host)) return false;
  for (const raw of noProxy.split(',').map((s) => s.trim().toLowerCase())) {
    if (!raw) continue;
    if (raw === '*') return false;
    if (raw.includes('/') && isIP(host) && inCidr(host, raw)) return false;
    let entry = raw;
    let entryPort = '';
    const m = /^(.*):(\d+)$/.exec(raw);
    if (m && !isIP(raw)) [entry, entryPort] = [m[1]!, m[2]!];
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (host === entry.replace(/^\*?\./, '')) return false;
    if (entry.startsWith('.') || entry.startsWith('*.')) {
      if (host.endsWith(entry.replace(/^\*/, ''))) return false;
    } else if (!isIP(entry) && host.endsWith('.' + entry)) return false;
  }
  return true;
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(ip) !== 4 || isIP(net ?? '') !== 4 || !(bits >= 0 && bits <= 32)) return false;
  const n = (s: string) => s.split('.').reduce((a, b) => (a << 8) + Number(b), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (n(ip) & mask) === (n(net!) & mask);
}

function parseProxy(text: string, source: string): URL {
  let u: URL;
  try {
    // Go accepts a bare host:port as http://host:port.
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new KdiagError('config', `${source} is not a valid proxy URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new KdiagError(
      'config',
      `${source} uses a ${u.protocol.replace(/:$/, '')} proxy, which kdiag does not support`,
      {
        hint: 'use an HTTP CONNECT proxy (http:// or https://), or unset it to connect directly',
      },
    );
  return u;
}

/** An agent that reaches the API server through an HTTP CONNECT proxy (hpagent, as client-node uses). */
export async function proxyAgent(
  url: URL,
  tls: boolean,
  opts: http.AgentOptions & Record<string, unknown>,
): Promise<http.Agent> {
  const { HttpsProxyAgent, HttpProxyAgent } = await import('hpagent');
  return tls ? new HttpsProxyAgent({ ...opts, proxy: url }) : new HttpProxyAgent({ ...opts, proxy: url });
}
