import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayConfig } from '../infrastructure/config.js';
import { requestIdFrom, runInRequestScope, type Logger } from '../infrastructure/logger.js';
import type { Principal } from '../providers/access.js';
import type { Authenticate } from './authentication.js';
import { serveGraphqlWs, type WsExtra } from './graphql-ws-binding.js';
import { framed, UNMASKED, type StreamMasking } from './graphql-ws-framing.js';
import { errorMasking } from './plugins/use-error-masking.js';
import { takeStream } from './plugins/subscription-stream.js';
import type { KeySockets } from './plugins/use-subscription-budgets.js';
import type { TrustedDocuments } from './plugins/use-trusted-documents.js';
import { dropUnresponsiveSockets } from './ws-heartbeat.js';
import { logSocketErrors } from './ws-socket-errors.js';
import { GRAPHQL_PATH, type GatewayYoga } from './yoga.js';

/**
 * graphql-ws on the gateway's port and path: the key is checked at connection_init, each operation
 * runs through the same yoga plugins as over HTTP, and shared subscription results are framed once
 * (graphql-ws-framing.ts).
 */

export interface GraphqlWsDependencies {
  config: GatewayConfig;
  yoga: GatewayYoga;
  keySockets: KeySockets;
  trusted: TrustedDocuments | null;
  authenticate: Authenticate;
  log: Logger;
}

type WsContextExtra = WsExtra & { principal?: Principal };
type Executor = (args: ExecutionArgs) => OperationResult;
type Operation = { execute: Executor; subscribe: (args: ExecutionArgs) => Promise<AsyncIterable<never> | ExecutionResult> };

export interface GraphqlWsServer {
  wsServer: WebSocketServer;
  /** Tells every client the server is going away (1001: they reconnect elsewhere) and stops. */
  close(): Promise<void>;
}

export function attachGraphqlWs(server: http.Server, deps: GraphqlWsDependencies): GraphqlWsServer {
  const { config, yoga, keySockets, trusted } = deps;
  const masking = yogaMasking(deps.log);
  // maxPayload: no message, authenticated or not, is read past this size (ws's default is 100 MiB).
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: config.subscriptions.maxPayloadBytes });
  const handle = serveGraphqlWs<WsContextExtra>(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as Operation).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as Operation).subscribe(args),
      connectionInitWaitTimeout: config.subscriptions.connectionInitTimeoutMs,
      onConnect: (ctx) => {
        const extra = ctx.extra;
        const principal = deps.authenticate(ctx.connectionParams?.authorization, extra.request?.socket.remoteAddress, requestIdFrom(extra.request?.headers['x-request-id']));
        if (!principal || !keySockets.admit(principal.keyHash, extra.socket)) return false;
        extra.principal = principal;
        // The upgrade request (headers and all) is not needed once the socket is accepted: with
        // thousands of sockets open, not keeping it matters. Overwritten, not deleted: `delete`
        // turns the object into a dictionary, a quarter of a kilobyte per socket.
        extra.request = undefined;
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws registers the operation before asking; the limit counts it too.
        if (Object.keys(ctx.subscriptions).length > config.subscriptions.maxPerSocket) {
          return [
            new GraphQLError(`This connection already has ${config.subscriptions.maxPerSocket} operations, the most it may hold`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        const query = trusted ? trusted.queryOf(payload) : payload.query;
        if (query instanceof GraphQLError) return [query];
        const requestId = requestIdFrom(undefined);
        const caller = ctx.extra.principal?.keyHash;
        return runInRequestScope(requestId, async () => {
          // Only what the context factory reads: each subscription keeps its context for its whole life.
          const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            params: { ...payload, query },
            principal: ctx.extra.principal,
            requestId,
          });
          const document = parse(query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          const contextValue = await contextFactory();
          return {
            schema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue,
            rootValue: new WsOperation(ctx.extra.socket, ctx.extra.wire, id, requestId, caller, { execute, subscribe }, masking),
          };
        }, undefined, caller);
      },
    },
    wsServer,
    deps.log,
  );
  logSocketErrors(wsServer, deps.log);
  const stopHeartbeat = dropUnresponsiveSockets(wsServer, config.subscriptions.heartbeatMs);
  return {
    wsServer,
    async close() {
      stopHeartbeat();
      for (const client of wsServer.clients) client.close(1001, 'server shutting down');
      await handle.dispose();
    },
  };
}

/**
 * One operation of one socket, as graphql-ws runs it: in the operation's request scope, so that
 * logs of its execution carry its id, and a subscription's results framed for the socket. One
 * object rather than closures: a subscription keeps it for its whole life.
 */
class WsOperation {
  constructor(
    private readonly socket: WebSocket,
    private readonly wire: Duplex,
    private readonly id: string,
    private readonly requestId: string,
    private readonly caller: string | undefined,
    private readonly enveloped: { execute: Executor; subscribe: Executor },
    private readonly masking: StreamMasking,
  ) {}

  execute(args: ExecutionArgs): OperationResult {
    return runInRequestScope(this.requestId, () => this.enveloped.execute(args), undefined, this.caller);
  }

  /**
   * envelop hands the stream back inside yoga's error-masking wrappers, which would live as long as
   * the subscription: the stream itself (subscription-stream.ts) is iterated instead and masked as
   * they would mask it. Any other stream stays as envelop returned it.
   */
  async subscribe(args: ExecutionArgs): Promise<AsyncIterable<never> | ExecutionResult> {
    const result = await runInRequestScope(this.requestId, () => this.enveloped.subscribe(args), undefined, this.caller);
    const stream = Symbol.asyncIterator in result ? takeStream(args) : undefined;
    return stream ? framed(this.socket, this.wire, this.id, stream, this.masking) : framed(this.socket, this.wire, this.id, result, UNMASKED);
  }
}

/**
 * yoga's masking of subscription results and errors, as its wrappers apply it: the gateway's
 * maskError (yoga.ts passes the same) with yoga's default message, and yoga's log line for each
 * error it masked.
 */
function yogaMasking(log: Logger): StreamMasking {
  const { maskError } = errorMasking(log);
  const mask = (error: unknown): GraphQLError => {
    const masked = maskError(error, 'Unexpected error.', undefined);
    if (masked !== error) log.error(String(error));
    return masked as GraphQLError;
  };
  return {
    result: (result) => (result.errors ? { ...result, errors: result.errors.map(mask) } : result),
    thrown: mask,
  };
}
