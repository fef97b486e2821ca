import http from 'node:http';
import type { Socket } from 'node:net';

/**
 * Bounds on what a client that does not read its responses may cost: the bytes waiting for one
 * connection, and how long the gateway keeps bytes waiting that the client does not take. Node
 * leaves both unbounded (a response is buffered whole, and `server.timeout` is 0).
 */

export interface SlowReaderLimits {
  /** Bytes a streamed response (SSE, incremental delivery) may have waiting for its client. */
  maxBufferedBytes: number;
  /** A connection whose waiting bytes make no progress for this long is closed. */
  writeTimeoutMs: number;
}

/**
 * A ServerResponse (for `http.createServer({ ServerResponse })`) that closes its connection when a
 * write leaves more than `maxBufferedBytes` waiting: an event stream to a client that stopped
 * reading ends there instead of growing in memory. A body sent whole with `end()` is bounded by
 * what the gateway answers and by the write timeout instead.
 */
export function boundedResponse(maxBufferedBytes: number, onCut: () => void): typeof http.ServerResponse {
  return class BoundedResponse extends http.ServerResponse {
    override write(...args: unknown[]): boolean {
      const flowing = (super.write as (...passed: unknown[]) => boolean).apply(this, args);
      if (!flowing && this.writableLength + (this.socket?.writableLength ?? 0) > maxBufferedBytes) {
        onCut();
        this.destroy();
      }
      return flowing;
    }
  } as typeof http.ServerResponse;
}

/**
 * Closes connections whose waiting bytes make no progress for `writeTimeoutMs`. Node's socket
 * timeout is re-armed by every read and every completed write, so it fires only on a stall; a
 * connection with nothing to send (a long query, a quiet subscription, keep-alive) is left alone.
 */
export function cutStalledWrites(server: http.Server, writeTimeoutMs: number, onCut: () => void): void {
  server.timeout = writeTimeoutMs;
  // With a listener here, Node no longer closes every idle socket on timeout: this decides.
  server.on('timeout', (socket: Socket) => {
    if (socket.writableLength === 0) return;
    onCut();
    socket.destroy();
  });
}
