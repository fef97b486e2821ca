import net from 'node:net';

/**
 * Upstreams that misbehave below HTTP: a blackhole (accepts connections and never answers, as a
 * host behind a firewall that drops packets looks once the connection is up) and a refused port.
 */

export interface Blackhole {
  url: string;
  /** Requests written to it (counted by their request lines). */
  requests(): number;
  close(): Promise<void>;
}

export async function startBlackhole(): Promise<Blackhole> {
  const sockets = new Set<net.Socket>();
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => (requests += (String(chunk).match(/^(GET|POST|PUT|DELETE|HEAD) \//gm) ?? []).length));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A local port nobody listens on (bound, then released). */
export async function refusedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
