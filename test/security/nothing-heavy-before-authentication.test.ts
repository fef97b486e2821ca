import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack } from '../support/stack.js';

/** A raw HTTP exchange: what the server answered (if anything) and whether it closed the connection. */
function rawRequest(stack: Stack, head: string, onConnected?: (socket: Socket) => void): Promise<{ response: string; closed: boolean }> {
  const { port } = new URL(stack.gateway.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(head);
      onConnected?.(socket);
    });
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ response, closed: true }));
  });
}

const head = (lines: string[]) => `${['POST /graphql HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json', ...lines].join('\r\n')}\r\n\r\n`;

describe('nothing heavy happens before a request is authenticated', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ extra: { server: { port: 0, host: '127.0.0.1', http: { requestTimeoutMs: 600, headersTimeoutMs: 500, maxConnections: 20 } } } });
  });
  afterAll(() => stack.close());

  it('answers 401 to a keyless request announcing a 10 MB body without waiting for (or reading) the body', async () => {
    const { response } = await rawRequest(stack, head(['Content-Length: 10485760']));
    expect(response).toMatch(/^HTTP\/1\.1 401/);
    expect(response).toContain('"code":"UNAUTHENTICATED"');
  });

  it('gives a keyless client no field names: an unknown field is a 401, not a validation error', async () => {
    const response = await stack.graphql('{ secretFieldThatDoesNotExist }', undefined, { apiKey: null });
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).not.toContain('secretFieldThatDoesNotExist');
  });

  it('refuses a body over the limit (1 MB by default) unread with 413, and one of no declared length with 411', async () => {
    const tooBig = await rawRequest(stack, head([`Authorization: Bearer ${stack.apiKey}`, 'Content-Length: 1048577']));
    expect(tooBig.response).toMatch(/^HTTP\/1\.1 413/);
    const chunked = await rawRequest(stack, head([`Authorization: Bearer ${stack.apiKey}`, 'Transfer-Encoding: chunked']));
    expect(chunked.response).toMatch(/^HTTP\/1\.1 411/);
  });

  it('cuts a body sent a byte at a time once the request timeout passes', async () => {
    const started = Date.now();
    let drip: NodeJS.Timeout | undefined;
    const result = await rawRequest(stack, head([`Authorization: Bearer ${stack.apiKey}`, 'Content-Length: 1000']), (socket) => {
      drip = setInterval(() => socket.writable && socket.write('{'), 100);
    });
    clearInterval(drip);
    expect(result.closed).toBe(true);
    expect(result.response).toMatch(/^HTTP\/1\.1 408/);
    // requestTimeoutMs is 600 here; Node checks it every 500 ms (the headers timeout).
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('closes a WebSocket, authenticated or not, that sends a message over maxPayload (64 KB) with 1009, logging one warn line and printing no stack', async () => {
    const printed = vi.spyOn(console, 'error');
    const socket = new WebSocket(stack.gateway.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { junk: 'x'.repeat(1024 * 1024) } })));
    expect(await closed).toBe(1009);
    await expect.poll(() => stack.logs.filter((line) => line.includes('the client broke the protocol'))).toHaveLength(1);
    const [line] = stack.logs.filter((l) => l.includes('the client broke the protocol'));
    expect(JSON.parse(line!)).toMatchObject({ level: 40, code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  });

  it('refuses connections over the cap', async () => {
    const { port } = new URL(stack.gateway.url);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => new Promise<Socket>((resolve) => { const s = connect(Number(port), '127.0.0.1', () => resolve(s)); })));
    try {
      const extra = await rawRequest(stack, head([`Authorization: Bearer ${stack.apiKey}`, 'Content-Length: 2', '', '{}']));
      expect(extra.response).toBe('');
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});
