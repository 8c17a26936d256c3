// The WebSocket transport for client-node's Exec. client-node's own WebSocketHandler re-reads the
// kubeconfig credentials and builds a new TLS context for every call (a CA parse and a full handshake
// per exec, the largest cost of a 1,000-node run); this one reuses the client's prepared TLS context
// and auth headers, and keeps the Status body of a refused upgrade, which client-node drops.
import type { Agent } from 'node:http';
import type { SecureContext } from 'node:tls';
import { readBody } from './body.js';
import type WebSocketType from 'ws';

export interface WsTransportOptions {
  server: string;
  headers: Record<string, string>;
  secureContext?: SecureContext;
  rejectUnauthorized?: boolean;
  servername?: string;
  handshakeTimeoutMs: number;
  /** Set when the API server is reached through a proxy (the proxy agent tunnels the upgrade). */
  agent?: Agent;
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
