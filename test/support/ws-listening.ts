import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A graphql-ws server listening on an ephemeral port; `close` disposes its handle, then the HTTP server. */
export async function wsListening(server: http.Server, handle: { dispose(): unknown }): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await handle.dispose();
      server.close();
    },
  };
}
