import type { WebSocketServer } from 'ws';

/** A socket that has not answered the previous ping is gone (a dead peer holds no TCP error): drop it. */
export function dropUnresponsiveSockets(wsServer: WebSocketServer, intervalMs: number): () => void {
  const alive = new WeakSet<object>();
  wsServer.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
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
