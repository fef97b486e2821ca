import type { WebSocket, WebSocketServer } from 'ws';

/** A socket that has not answered the previous ping is gone (a dead peer holds no TCP error): drop it. */
export function dropUnresponsiveSockets(wsServer: WebSocketServer, intervalMs: number): () => void {
  const alive = new WeakSet<object>();
  // One listener for every socket (ws calls it on the socket): no closure kept per socket.
  function answered(this: WebSocket): void {
    alive.add(this);
  }
  wsServer.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', answered);
  });
  const timer = setInterval(() => {
    for (const socket of wsServer.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
