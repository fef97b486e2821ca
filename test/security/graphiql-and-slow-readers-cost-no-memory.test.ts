import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const CLIENTS = 200;
const WRITE_TIMEOUT_MS = 300;

/** A client that sends its requests and then never reads a byte of the answers. */
function nonReadingClient(stack: Stack, paths: string[]): Promise<Socket> {
  const { port } = new URL(stack.gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      // Pipelined, as an attacker would: several responses owed on one connection.
      socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nAccept-Encoding: identity\r\n\r\n`).join(''));
      socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

async function cutCount(stack: Stack): Promise<number> {
  const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
  const line = /^backupgraph_http_slow_readers_cut_total\{reason="write_timeout"\} (\d+)/m.exec(text);
  return line ? Number(line[1]) : 0;
}

describe('GraphiQL and slow readers: anonymous clients that never read cost the gateway no memory', () => {
  let stack: Stack;
  let page: string;
  let script: string;

  beforeAll(async () => {
    stack = await startStack({ extra: { server: { port: 0, host: '127.0.0.1', graphiql: true, http: { writeTimeoutMs: WRITE_TIMEOUT_MS } } } });
    page = await (await fetch(stack.gateway.graphqlUrl, { headers: { accept: 'text/html' } })).text();
    script = /<script src="([^"]+)"/.exec(page)![1]!;
  });
  afterAll(() => stack.close());

  it('serves a small page with no inline script, under a CSP that forbids inline scripts and framing', async () => {
    const response = await fetch(stack.gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(Number(response.headers.get('content-length'))).toBeLessThan(4_096);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    // Every script is a file of the gateway's; the one element without src holds JSON, which no browser runs.
    for (const tag of page.match(/<script[^>]*>/g)!) expect(tag).toMatch(/ src="\/graphiql\/assets\/|type="application\/json"/);
  });

  it('serves the scripts as immutable files, brotli or gzip compressed once, the same bytes to everyone', async () => {
    const identity = await fetch(`${stack.gateway.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(identity.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const full = Number(identity.headers.get('content-length'));
    expect(full).toBeGreaterThan(1_000_000);
    await identity.arrayBuffer();
    for (const encoding of ['br', 'gzip']) {
      const compressed = await fetch(`${stack.gateway.url}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(compressed.headers.get('content-encoding')).toBe(encoding);
      expect(Number(compressed.headers.get('content-length'))).toBeLessThan(full / 3);
      // fetch decompresses: the same script comes out.
      expect((await compressed.arrayBuffer()).byteLength).toBe(full);
    }
    expect((await fetch(`${stack.gateway.url}/graphiql/assets/graphiql-0000000000000000.js`)).status).toBe(404);
  });

  it(`keeps memory flat under ${CLIENTS} clients that ask for the page and the scripts and never read, and answers a keyed query`, async () => {
    const before = process.memoryUsage().rss;
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => nonReadingClient(stack, ['/graphql', script, script, script])));
    try {
      const keyed = await stack.graphql('{ providers { name } }');
      expect(keyed.status).toBe(200);
      expect(keyed.body.errors).toBeUndefined();
      // Every client is owed three copies of a 5 MB script, 3 GB if each were buffered: they share one buffer.
      expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    } finally {
      for (const client of clients) client.destroy();
    }
  });

  it('closes a connection whose waiting bytes have not moved for the write timeout', async () => {
    const cutBefore = await cutCount(stack);
    const clients = await Promise.all(Array.from({ length: 10 }, () => nonReadingClient(stack, [script, script, script])));
    try {
      await expect.poll(() => cutCount(stack), { timeout: 10_000, interval: 50 }).toBe(cutBefore + clients.length);
      // What each got before the cut: less than it asked for.
      const received = await Promise.all(clients.map((client) => new Promise<number>((resolve) => {
        let bytes = 0;
        client.on('data', (chunk: Buffer) => (bytes += chunk.length));
        client.on('close', () => resolve(bytes));
        client.resume();
      })));
      for (const bytes of received) expect(bytes).toBeLessThan(3 * 5_000_000);
    } finally {
      for (const client of clients) client.destroy();
    }
  });
});
