import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../infrastructure/logger.js';

/**
 * Socket errors through the gateway's logger. graphql-ws writes every socket error to stderr with
 * its stack ("Internal error emitted on a WebSocket socket"), also when a client broke the protocol
 * (a frame over `subscriptions.maxPayloadBytes`, which ws has already answered with close 1009):
 * that is the client's doing, one warn line without a stack. Anything else is ours: logged as an
 * error and the socket closed with 1011, as graphql-ws would. graphql-ws-binding.ts adds no error
 * listener of its own.
 */
export function logSocketErrors(wsServer: WebSocketServer, log: Logger): void {
  // One listener for every socket (ws calls it on the socket): no closure kept per socket.
  function failed(this: WebSocket, error: Error & { code?: string }): void {
    if (error.code?.startsWith('WS_ERR_')) {
      log.warn({ code: error.code, reason: error.message }, 'WebSocket closed: the client broke the protocol');
      return;
    }
    log.error({ err: error }, 'WebSocket error');
    this.close(1011, 'Internal server error');
  }
  wsServer.on('connection', (socket) => socket.on('error', failed));
}
