import http from 'node:http';
import { GraphQLError, GraphQLInt, GraphQLObjectType, GraphQLString, GraphQLSchema, parse, subscribe, type ExecutionArgs } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { framedSubscriber } from '../../src/server/graphql-ws-framing.js';
import { wsListening } from '../support/ws-listening.js';

/**
 * The framed `next` messages are the bytes graphql-ws itself writes: the same operations against
 * plain graphql-ws and against graphql-ws with framedSubscriber give the same messages, in the same
 * order, over real sockets: data, results with field errors, a stream that fails, completion.
 */

const ticks = new GraphQLObjectType({
  name: 'Subscription',
  fields: {
    ticks: {
      type: GraphQLInt,
      args: { count: { type: GraphQLInt }, failAt: { type: GraphQLInt }, throwAt: { type: GraphQLInt }, pad: { type: GraphQLInt }, note: { type: GraphQLString } },
      subscribe: async function* (_root, { count, throwAt }: { count: number; throwAt?: number }) {
        for (let tick = 1; tick <= count; tick += 1) {
          if (tick === throwAt) throw new Error(`the stream broke at ${tick}`);
          yield tick;
        }
      },
      resolve: (tick: number, { failAt, pad, note }: { failAt?: number; pad?: number; note?: string }) => {
        if (tick === failAt) throw new GraphQLError(`tick ${tick} failed${note ?? ''}${'.'.repeat(pad ?? 0)}`, { extensions: { code: 'TICK_FAILED' } });
        return tick;
      },
    },
  },
});
const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { tick: { type: GraphQLInt, resolve: () => 0 } } }), subscription: ticks });

type Executor = (args: ExecutionArgs) => OperationResult;

async function serve(framed: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer();
  const wsServer = new WebSocketServer({ server });
  const handle = useServer<Record<string, unknown>, { socket: WebSocket; request: http.IncomingMessage }>(
    framed
      ? {
          schema,
          subscribe: (args) => (args.rootValue as { subscribe: Executor }).subscribe(args),
          onSubscribe: (ctx, id, payload) => ({
            schema,
            document: parse(payload.query),
            variableValues: payload.variables,
            rootValue: { subscribe: framedSubscriber(ctx.extra.socket, ctx.extra.request.socket, id, subscribe as Executor) },
          }),
        }
      : { schema },
    wsServer,
    0,
  );
  return wsListening(server, handle);
}

/** Opens a socket, runs one operation and returns every message for it, up to `complete` or `error`. */
function run(url: string, query: string, id = 'op-1'): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const messages: string[] = [];
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('error', reject);
    socket.on('message', (data) => {
      const message = data.toString();
      const { type } = JSON.parse(message) as { type: string };
      if (type === 'connection_ack') return socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query } }));
      messages.push(message);
      if (type === 'complete' || type === 'error') {
        socket.close();
        resolve(messages);
      }
    });
  });
}

describe('graphql-ws framing', () => {
  let plain: Awaited<ReturnType<typeof serve>>;
  let framed: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    [plain, framed] = await Promise.all([serve(false), serve(true)]);
  });
  afterAll(async () => {
    await Promise.all([plain.close(), framed.close()]);
  });

  it.each([
    ['every tick, then complete', 'subscription { ticks(count: 3) }', ['next', 'next', 'next', 'complete']],
    ['a tick with a field error, framed with its errors', 'subscription { ticks(count: 3, failAt: 2) }', ['next', 'next', 'next', 'complete']],
    ['a stream that fails: error, no complete', 'subscription { ticks(count: 3, throwAt: 2) }', ['next', 'error']],
    ['a query over the socket, untouched', '{ tick }', ['next', 'complete']],
    // A frame's length takes 7 bits, 16 bits or 64 bits of its header (RFC 6455, 5.2).
    ['a frame whose length takes 16 bits', 'subscription { ticks(count: 2, failAt: 1, pad: 300) }', ['next', 'next', 'complete']],
    ['a frame whose length takes 64 bits', 'subscription { ticks(count: 2, failAt: 1, pad: 70000) }', ['next', 'next', 'complete']],
    // Lengths count UTF-8 bytes, not characters.
    ['an id and a message beyond ASCII', 'subscription { ticks(count: 2, failAt: 1, note: " – ünï ✓ 😀") }', ['next', 'next', 'complete'], 'öp-✓-😀'],
  ])('%s: the same bytes as plain graphql-ws', async (_name, query, types, id?: string) => {
    const [expected, actual] = await Promise.all([run(plain.url, query, id), run(framed.url, query, id)]);
    expect(actual).toEqual(expected);
    expect(actual.map((message) => (JSON.parse(message) as { type: string }).type)).toEqual(types);
  });

  it('a field error reaches the client with its message, path and extensions', async () => {
    const messages = await run(framed.url, 'subscription { ticks(count: 2, failAt: 2) }');
    expect(JSON.parse(messages[1]!)).toEqual({
      id: 'op-1',
      type: 'next',
      payload: { data: { ticks: null }, errors: [{ message: 'tick 2 failed', locations: [{ line: 1, column: 16 }], path: ['ticks'], extensions: { code: 'TICK_FAILED' } }] },
    });
  });
});
