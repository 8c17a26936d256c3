// The WebSocket transport for exec. client-node's own WebSocketHandler re-reads the kubeconfig
// credentials and builds a new TLS context for every call (a CA parse and a full handshake per exec, the
// largest cost of a 1,000-node run); this one reuses the client's prepared TLS context and auth headers,
// resumes the client's TLS session (tls-sessions.ts), and keeps the Status body of a refused upgrade,
// which client-node drops. The exec query and channels are client-node's (exec.js, web-socket-handler.js).
import type { Agent } from 'node:http';
import type { SecureContext } from 'node:tls';
import { readBody } from './body.js';
import type { TlsSessions } from './tls-sessions.js';
import type WebSocketType from 'ws';

/** The channel numbers of the *.channel.k8s.io protocols (k8s.io/apimachinery remotecommand). */
export const STREAM = { stdin: 0, stdout: 1, stderr: 2, status: 3 } as const;

/** The exec query as client-node's Exec sends it: stdout and stderr, no stdin, no tty, argv as `command`s. */
export function execQuery(container: string, argv: string[]): string {
  const q = new URLSearchParams({ stdout: 'true', stderr: 'true', stdin: 'false', tty: 'false' });
  for (const a of argv) q.append('command', a);
  q.set('container', container);
  return q.toString();
}

export interface WsTransportOptions {
  server: string;
  headers: Record<string, string>;
  secureContext?: SecureContext;
  rejectUnauthorized?: boolean;
  servername?: string;
  handshakeTimeoutMs: number;
  /** Set when the API server is reached through a proxy (the proxy agent tunnels the upgrade). */
  agent?: Agent;
  /** Direct TLS: resume (and refresh) the client's session on each upgrade. */
  sessions?: TlsSessions;
  /** Called with the HTTP status and body when the server refuses the upgrade. */
  onRefused: (status: number, body: string) => void;
}

/** kubectl 1.30+ and client-node offer these; v5 adds the close channel. */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export class WsTransport {
  constructor(
    private readonly WebSocket: typeof WebSocketType,
    private readonly opts: WsTransportOptions,
  ) {}

  /** The WebSocketInterface contract of @kubernetes/client-node (web-socket-handler.d.ts). */
  connect(
    path: string,
    textHandler: ((text: string) => boolean) | null,
    binaryHandler: ((stream: number, buff: Buffer) => boolean) | null,
  ): Promise<WebSocketType> {
    const uri = this.opts.server.replace(/^http/, 'ws') + path;
    // ws hands its options to tls.connect, which takes a ready SecureContext (ws' types omit it).
    const options: WebSocketType.ClientOptions & { secureContext?: SecureContext; servername?: string } = {
      headers: this.opts.headers,
      secureContext: this.opts.secureContext,
      rejectUnauthorized: this.opts.rejectUnauthorized,
      servername: this.opts.servername,
      handshakeTimeout: this.opts.handshakeTimeoutMs,
      perMessageDeflate: false,
      agent: this.opts.agent,
    };
    if (this.opts.sessions && !this.opts.agent && uri.startsWith('wss:'))
      options.createConnection = this.opts.sessions.connector() as WebSocketType.ClientOptions['createConnection'];
    const ws = new this.WebSocket(uri, PROTOCOLS, options);
    return new Promise((resolve, reject) => {
      let open = false;
      ws.on('unexpected-response', (req, res) => {
        void readBody(res).then((body) => {
          this.opts.onRefused(res.statusCode ?? 0, body);
          req.destroy();
          reject(new Error(`Unexpected server response: ${res.statusCode}`));
        });
      });
      ws.on('open', () => {
        open = true;
        resolve(ws);
      });
      ws.on('error', (e) => {
        if (!open) reject(e);
      });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) {
          if (textHandler && !textHandler(data.toString('utf8'))) ws.close();
        } else if (binaryHandler && !binaryHandler(data.readUInt8(0), data.subarray(1))) ws.close();
      });
    });
  }
}
