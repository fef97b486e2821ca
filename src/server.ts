import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { createYoga, type YogaInitialContext } from 'graphql-yoga';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { GatewayConfig } from './config.js';
import { createRequestContext, type GatewayContext } from './context.js';
import { MemoryIdempotencyStore } from './core/idempotency.js';
import { JobTracker } from './core/jobs.js';
import { createLogger, currentRequestId, requestIdFrom, runInRequestScope, type Logger } from './core/logger.js';
import { TenantDirectory, type ProviderFactory, type Tenant } from './core/tenancy.js';
import { errorMasking } from './plugins/use-error-masking.js';
import { useIntrospectionPolicy } from './plugins/use-introspection-policy.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { createProvider } from './providers/registry.js';
import { schema } from './schema/index.js';

/**
 * One gateway: yoga (HTTP and SSE) and graphql-ws on the same port and path, health endpoints,
 * the job tracker and every tenant's providers. `close()` drains it: new connections are refused,
 * open sockets are told the server is going away, in-flight requests finish, upstream pools close.
 */

export interface GatewayOptions {
  logger?: Logger;
  /** Replaces the adapters built from the config (tests inject their own). */
  providerFactory?: ProviderFactory;
  /** A key to pre-fill in GraphiQL's headers (demo mode). */
  graphiqlApiKey?: string;
}

export interface Gateway {
  url: string;
  graphqlUrl: string;
  log: Logger;
  jobs: JobTracker;
  tenants: TenantDirectory;
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

function unauthenticated(): GraphQLError {
  return new GraphQLError('A valid API key is required: send `Authorization: Bearer <key>`', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

type WsContextExtra = {
  tenant: Tenant;
};

export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.logger ?? createLogger();
  const tenants = new TenantDirectory(config.tenants, options.providerFactory ?? createProvider);
  const jobs = new JobTracker({
    pollIntervalMs: config.jobs.pollIntervalMs,
    providerFor: (key) => tenants.provider(key),
    log: log.child({ component: 'jobs' }),
  });
  const idempotency = new MemoryIdempotencyStore();

  const yoga = createYoga<{ tenant?: Tenant }, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map(String).join(' ')),
    },
    maskedErrors: errorMasking(log),
    graphiql: config.server.graphiql
      ? {
          title: 'backupgraph',
          headers: options.graphiqlApiKey ? JSON.stringify({ Authorization: `Bearer ${options.graphiqlApiKey}` }) : undefined,
        }
      : false,
    plugins: [useOperationLimits(config.server.limits), useIntrospectionPolicy(config.server.introspection)],
    context: (initial: YogaInitialContext & { tenant?: Tenant }) => {
      // Over WebSocket the tenant was settled when the connection was accepted; over HTTP, here.
      const tenant = initial.tenant ?? tenants.authenticate(initial.request?.headers.get('authorization'));
      if (!tenant) throw unauthenticated();
      return createRequestContext({
        requestId: currentRequestId() ?? requestIdFrom(undefined),
        tenant,
        jobs,
        idempotency,
        log,
      });
    },
  });

  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.url === '/readyz') {
      res.writeHead(draining ? 503 : 200, { 'content-type': 'text/plain' }).end(draining ? 'draining' : 'ready');
      return;
    }
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    runInRequestScope(requestId, () => void yoga(req, res));
  });

  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
  const wsHandle = useServer<Record<string, unknown>, WsContextExtra>(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as { execute: Executor }).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: Executor }).subscribe(args),
      onConnect: (ctx) => {
        const tenant = tenants.authenticate(ctx.connectionParams?.authorization);
        if (!tenant) return false;
        (ctx.extra as unknown as WsContextExtra).tenant = tenant;
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const requestId = requestIdFrom(undefined);
        return runInRequestScope(requestId, async () => {
          const { schema: envelopedSchema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            socket: ctx.extra.socket,
            params: payload,
            tenant: ctx.extra.tenant,
          });
          const document = parse(payload.query);
          const errors = validate(envelopedSchema, document);
          if (errors.length > 0) return errors;
          const contextValue = await contextFactory();
          // The request scope must cover execution too, so that logs of this operation carry its id.
          const scoped = <T extends (args: ExecutionArgs) => unknown>(fn: T) => ((args: ExecutionArgs) => runInRequestScope(requestId, () => fn(args))) as T;
          return {
            schema: envelopedSchema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue,
            rootValue: { execute: scoped(execute), subscribe: scoped(subscribe) },
          };
        });
      },
    },
    wsServer,
  );

  await new Promise<void>((resolve) => server.listen(config.server.port, config.server.host, resolve));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url: `${url}${GRAPHQL_PATH}` }, 'backupgraph listening');

  return {
    url,
    graphqlUrl: `${url}${GRAPHQL_PATH}`,
    log,
    jobs,
    tenants,
    async close() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // 1001 Going Away: graphql-ws clients reconnect, to another replica behind the balancer.
      for (const client of wsServer.clients) client.close(1001, 'server shutting down');
      await wsHandle.dispose();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeIdleConnections();
      await closed;
      await jobs.close();
      await idempotency.close();
      await tenants.close();
      log.info('backupgraph stopped');
    },
  };
}

type Executor = (args: ExecutionArgs) => OperationResult;
