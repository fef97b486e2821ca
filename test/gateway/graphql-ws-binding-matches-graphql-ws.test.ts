import http from 'node:http';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, execute, parse, subscribe, validate, type ExecutionArgs, type GraphQLError } from 'graphql';
import type { OperationResult, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createLogger } from '../../src/infrastructure/logger.js';
import { serveGraphqlWs, type WsExtra } from '../../src/server/graphql-ws-binding.js';
import { wsListening } from '../support/ws-listening.js';

/**
 * The gateway binds graphql-ws to its sockets itself (graphql-ws-binding.ts, instead of
 * graphql-ws/use/ws): for the same messages it answers what graphql-ws/use/ws answers, message for
 * message and close code for close code, over real sockets: streams, single results, refusals,
 * failures, a client's `complete`, an id in use and an operation before connection_ack.
 */

/** A stream that waits until it is returned: a subscription that stays open. */
class Open implements AsyncIterableIterator<number> {
  private end: ((result: IteratorResult<number>) => void) | null = null;
  private first = true;

  next(): Promise<IteratorResult<number>> {
    if (this.first) {
      this.first = false;
      return Promise.resolve({ value: 1, done: false });
    }
    return new Promise((resolve) => (this.end = resolve));
  }

  async return(): Promise<IteratorResult<number>> {
    this.end?.({ value: undefined, done: true });
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { tick: { type: GraphQLInt, resolve: () => 0 } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      ticks: {
        type: GraphQLInt,
        args: { count: { type: GraphQLInt }, throwAt: { type: GraphQLInt } },
        subscribe: async function* (_root, { count, throwAt }: { count: number; throwAt?: number }) {
          for (let tick = 1; tick <= count; tick += 1) {
            if (tick === throwAt) throw new Error(`the stream broke at ${tick}`);
            yield tick;
          }
        },
        resolve: (tick: number) => tick,
      },
      open: { type: GraphQLInt, subscribe: () => new Open(), resolve: (tick: number) => tick },
    },
  }),
});

/** Both servers are set up by the same onSubscribe, as the gateway's is. */
function onSubscribe(_ctx: unknown, _id: string, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const document = parse(payload.query);
  const errors = validate(schema, document);
  return Promise.resolve(errors.length > 0 ? errors : { schema, document, operationName: payload.operationName, variableValues: payload.variables });
}

async function serve(binding: 'graphql-ws' | 'gateway'): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer();
  const wsServer = new WebSocketServer({ server });
  const options = {
    connectionInitWaitTimeout: 3_000,
    onConnect: () => true,
    onSubscribe,
    execute: (args: ExecutionArgs) => execute(args) as OperationResult,
    subscribe: (args: ExecutionArgs) => subscribe(args) as OperationResult,
  };
  const handle = binding === 'graphql-ws' ? useServer(options, wsServer, 0) : serveGraphqlWs<WsExtra>(options, wsServer, createLogger({ level: 'silent' }));
  return wsListening(server, handle);
}

type Step = { send: unknown } | { await: string };

/**
 * Opens a socket and plays the steps (a message to send, or the type of a message to wait for);
 * returns every message received and the close code, once the server closed the socket or the last
 * step is done and a `{ tick }` query (id `sync`) has completed after it.
 */
function play(url: string, steps: Step[]): Promise<{ messages: unknown[]; closed?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const messages: { id?: string; type: string }[] = [];
    let waitingFor: string | null = null;
    const advance = () => {
      while (steps.length > 0 && waitingFor === null) {
        const step = steps.shift()!;
        if ('send' in step) socket.send(JSON.stringify(step.send));
        else waitingFor = step.await;
      }
      if (steps.length === 0 && waitingFor === null) {
        waitingFor = 'sync';
        socket.send(JSON.stringify({ id: 'sync', type: 'subscribe', payload: { query: '{ tick }' } }));
      }
    };
    socket.on('open', advance);
    socket.on('error', reject);
    socket.on('close', (code) => resolve({ messages, closed: code }));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: string; type: string };
      messages.push(message);
      if (waitingFor === 'sync' && message.id === 'sync' && message.type === 'complete') {
        socket.removeAllListeners('close');
        socket.close();
        resolve({ messages });
        return;
      }
      if (message.type === waitingFor) {
        waitingFor = null;
        advance();
      }
    });
  });
}

const init = { send: { type: 'connection_init' } };
const ack = { await: 'connection_ack' };
const op = (id: string, query: string) => ({ send: { id, type: 'subscribe', payload: { query } } });

describe('the gateway graphql-ws binding', () => {
  let reference: Awaited<ReturnType<typeof serve>>;
  let gateway: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    [reference, gateway] = await Promise.all([serve('graphql-ws'), serve('gateway')]);
  });
  afterAll(async () => {
    await Promise.all([reference.close(), gateway.close()]);
  });

  it.each<[string, Step[], string[], number?]>([
    ['a stream: every result, then complete', [init, ack, op('a', 'subscription { ticks(count: 3) }'), { await: 'complete' }], ['next', 'next', 'next', 'complete']],
    ['a query: its result, then complete', [init, ack, op('a', '{ tick }'), { await: 'complete' }], ['next', 'complete']],
    ['a stream that fails: error, no complete', [init, ack, op('a', 'subscription { ticks(count: 3, throwAt: 2) }'), { await: 'error' }], ['next', 'error']],
    ['an invalid operation: error', [init, ack, op('a', '{ nothing }'), { await: 'error' }], ['error']],
    ['an operation name not in the document: error', [init, ack, { send: { id: 'a', type: 'subscribe', payload: { query: '{ tick }', operationName: 'Other' } } }, { await: 'error' }], ['error']],
    ['the client completes a live stream: no complete from the server', [init, ack, op('a', 'subscription { open }'), { await: 'next' }, { send: { id: 'a', type: 'complete' } }], ['next']],
    ['an id in use: closed with 4409', [init, ack, op('a', 'subscription { open }'), { await: 'next' }, op('a', '{ tick }'), { await: 'never' }], ['next'], 4409],
    ['an operation before connection_ack: closed with 4401', [op('a', '{ tick }'), { await: 'never' }], [], 4401],
  ])('%s, as graphql-ws answers', async (_name, steps, types, closed) => {
    const [expected, actual] = await Promise.all([play(reference.url, structuredClone(steps)), play(gateway.url, structuredClone(steps))]);
    expect(actual).toEqual(expected);
    expect(actual.messages.filter((message) => (message as { id?: string }).id === 'a').map((message) => (message as { type: string }).type)).toEqual(types);
    expect(actual.closed).toBe(closed);
  });
});
