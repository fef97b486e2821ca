import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols, makeServer, type ServerOptions, type WebSocket as GraphqlWsSocket } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../infrastructure/logger.js';

/**
 * graphql-ws's server on a `ws` server, as graphql-ws/use/ws binds it, without what each socket kept
 * there for its whole life. Its message listener is an async function awaiting graphql-ws's
 * handling of the message, and a subscribe message is handled until the subscription ends: each
 * socket kept a suspended frame holding the message's Buffer, and with it the whole chunk read from
 * the socket (about a kilobyte per subscriber). Here the listener returns at once. Also left out:
 * graphql-ws's per-socket keep-alive (ws-heartbeat.ts pings every socket from one timer) and its
 * error listener (ws-socket-errors.ts logs through the gateway's logger). The connection_init
 * timeout is timed here and dropped once connection_init arrives: graphql-ws keeps its timer, its
 * closure and their timestamps for the socket's whole life (about 0.3 KiB each). Unexpected errors
 * close the socket with 1011 and say nothing more to the client.
 */

export interface WsExtra {
  socket: WebSocket;
  /** The connection under the WebSocket, for frames written whole (graphql-ws-framing.ts). */
  wire: Duplex;
  request?: http.IncomingMessage;
}

export function serveGraphqlWs<E extends WsExtra>(options: ServerOptions<Record<string, unknown>, E>, wsServer: WebSocketServer, log: Logger): { dispose(): Promise<void> } {
  const initWaits = new WeakMap<WebSocket, NodeJS.Timeout>();
  const initWaitMs = options.connectionInitWaitTimeout ?? 3_000;
  const server = makeServer({
    ...options,
    connectionInitWaitTimeout: 0,
    onConnect: (ctx) => {
      clearTimeout(initWaits.get(ctx.extra.socket));
      initWaits.delete(ctx.extra.socket);
      return options.onConnect?.(ctx);
    },
  });
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.once('error', (error) => {
    log.error({ err: error }, 'WebSocket server error');
    for (const client of wsServer.clients) client.close(CloseCode.InternalServerError, 'Internal server error');
  });
  wsServer.on('connection', (socket, request) => {
    if (initWaitMs > 0 && Number.isFinite(initWaitMs)) initWaits.set(socket, setTimeout(closeUninitialised, initWaitMs, socket));
    const closed = server.opened(new Connection(socket, log), { socket, wire: request.socket as Duplex, request } as E);
    socket.on('close', (code, reason) => void closed(code, String(reason)));
  });
  return {
    async dispose() {
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** As graphql-ws closes a socket that sent no connection_init in time (one that closed meanwhile is left as it is). */
function closeUninitialised(socket: WebSocket): void {
  socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
}

/** The socket as graphql-ws speaks to it: one object per socket, its methods shared. */
class Connection implements GraphqlWsSocket {
  constructor(
    private readonly socket: WebSocket,
    private readonly log: Logger,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) return resolve();
      this.socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.socket.on('message', (data) => {
      handle(String(data)).catch((error: unknown) => {
        this.log.error({ err: error }, 'WebSocket message handling failed');
        this.socket.close(CloseCode.InternalServerError, 'Internal server error');
      });
    });
  }
}
