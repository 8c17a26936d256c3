// TLS session resumption for one client: every connection to its API server (REST over the keep-alive
// agent, each exec's WebSocket upgrade) hands the session tickets it receives to one store, and the next
// new connection offers the latest, so a 1,000-node run does an abbreviated handshake per exec instead
// of a full one. Secure by construction: a store belongs to one KubeClient, which talks to one server with
// one CA and one client certificate (one SecureContext), so a session never crosses servers or identities.
import https from 'node:https';
import { isIP } from 'node:net';
import tls from 'node:tls';

export class TlsSessions {
  private latest?: Buffer;

  get(): Buffer | undefined {
    return this.latest;
  }

  /** Keep the newest ticket of `socket` (TLS 1.3 sends them after the handshake, as 'session' events). */
  watch(socket: tls.TLSSocket): void {
    socket.on('session', (session: Buffer) => {
      this.latest = session;
    });
  }

  /**
   * A connect function for `ws` (its `createConnection` option), what ws' own tlsConnect does
   * (lib/websocket.js: no unix `path`, SNI from the host unless it is an IP) plus the stored session.
   */
  connector(): (options: tls.ConnectionOptions & { path?: string; host?: string }) => tls.TLSSocket {
    return (options) => {
      const o = { ...options, path: undefined, session: options.session ?? this.latest };
      if (!o.servername && o.servername !== '') o.servername = isIP(o.host ?? '') ? '' : o.host;
      const socket = tls.connect(o);
      this.watch(socket);
      return socket;
    };
  }
}

/** The REST agent: https.Agent, whose own session cache it keeps, also feeding the client's store. */
export class SessionAgent extends https.Agent {
  private readonly sessions: TlsSessions;

  constructor(opts: https.AgentOptions & { sessions: TlsSessions }) {
    const { sessions, ...rest } = opts;
    super(rest);
    this.sessions = sessions;
  }

  override createConnection(
    ...args: Parameters<https.Agent['createConnection']>
  ): ReturnType<https.Agent['createConnection']> {
    const socket = super.createConnection(...args);
    if (socket instanceof tls.TLSSocket) this.sessions.watch(socket);
    return socket;
  }
}
