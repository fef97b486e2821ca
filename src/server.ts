import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { createYoga, type YogaInitialContext } from 'graphql-yoga';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayConfig, TenantConfig } from './config.js';
import { createRequestContext, type GatewayContext } from './context.js';
import { assertEveryMutationHasAScope, type Principal } from './core/access.js';
import { admit, asksForGraphiQL, isCrossOrigin } from './core/http-admission.js';
import { providerKeyOf } from './core/ids.js';
import type { JobTracker } from './core/jobs.js';
import { JOB_CALLBACK_PREFIX, receiveJobCallback, withJobCallback } from './core/job-callbacks.js';
import { createLiveStatus } from './core/live.js';
import { dropUnresponsiveSockets } from './core/ws-heartbeat.js';
import { createLogger, currentRequestId, requestIdFrom, runInRequestScope, type Logger } from './core/logger.js';
import { TenantDirectory, type ProviderFactory } from './core/tenancy.js';
import type { StatusWatcher } from './core/watcher.js';
import { auditLogger, useAuditLog } from './plugins/use-audit-log.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { errorMasking } from './plugins/use-error-masking.js';
import { useIntrospectionPolicy } from './plugins/use-introspection-policy.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { useQueryCost } from './plugins/use-query-cost.js';
import { useRateLimits } from './plugins/use-rate-limits.js';
import { useScopes } from './plugins/use-scopes.js';
import { KeySockets, KeySubscriptions } from './plugins/use-subscription-budgets.js';
import { useSharedSubscriptionResults } from './plugins/use-shared-subscription-results.js';
import { usePartialFailures } from './plugins/use-partial-failures.js';
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
  watcher: StatusWatcher;
  tenants: TenantDirectory;
  /**
   * Takes new API keys (key rotation, see core/key-rotation.ts): removed keys stop working for new
   * requests, their WebSockets close with 4403 and their SSE subscriptions complete. Throws,
   * changing nothing, when tenants differ.
   */
  replaceKeys(tenants: readonly TenantConfig[]): { revoked: number; socketsClosed: number };
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

function unauthenticated(): GraphQLError {
  return new GraphQLError('A valid API key is required: send `Authorization: Bearer <key>`', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

type WsContextExtra = {
  principal: Principal;
};

export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.logger ?? createLogger();
  const live = createLiveStatus(config, log);
  const createAdapter = options.providerFactory ?? createProvider;
  const reportingJobEnds = new Set<string>();
  const tenants = new TenantDirectory(config.tenants, (tenant, provider) => {
    const adapterConfig = withJobCallback(config, tenant, provider);
    if (adapterConfig.kind === 'zstack' && adapterConfig.webhookUrl) reportingJobEnds.add(providerKeyOf(tenant, provider.name));
    return live.observe(createAdapter(tenant, adapterConfig));
  });
  live.start(
    tenants.tenants.flatMap((tenant) => tenant.providers),
    (provider) => reportingJobEnds.has(provider.key),
  );
  const { jobs, watcher, idempotency } = live;
  assertEveryMutationHasAScope(Object.keys(schema.getMutationType()?.getFields() ?? {}));
  const audit = auditLogger(log);
  const keySockets = new KeySockets(config.subscriptions.maxSocketsPerKey);
  const keySubscriptions = new KeySubscriptions(config.subscriptions.maxPerKey);
  const { limits } = config.server;

  const yoga = createYoga<{ principal?: Principal | null }, GatewayContext>({
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
    // No CORS headers unless origins are configured: yoga's default reflects any origin.
    cors: config.server.cors.origins.length > 0 ? { origin: config.server.cors.origins, credentials: false } : false,
    graphiql: config.server.graphiql
      ? {
          title: 'backupgraph',
          headers: options.graphiqlApiKey ? JSON.stringify({ Authorization: `Bearer ${options.graphiqlApiKey}` }) : undefined,
        }
      : false,
    plugins: [
      useCsrfPrevention(),
      useOperationLimits(limits),
      useIntrospectionPolicy(config.server.introspection),
      // In this order: the audit sees every refusal of the checks after it; cost is counted before
      // the rate limiter spends it; budgets count only subscriptions that passed everything else.
      useAuditLog(),
      useScopes(),
      useQueryCost(limits),
      useRateLimits(config.rateLimits, live.redis),
      keySubscriptions.plugin(),
      usePartialFailures(),
      useSharedSubscriptionResults<GatewayContext>((context) => context.tenant),
    ],
    context: (initial: YogaInitialContext & { principal?: Principal | null }) => {
      // Settled before the body was read (HTTP) or when the socket was accepted (WebSocket); the
      // GraphiQL page and CORS preflights come this far without one, and run no operation.
      const principal = initial.principal;
      if (!principal) throw unauthenticated();
      return createRequestContext({
        requestId: currentRequestId() ?? requestIdFrom(undefined),
        principal,
        tenant: principal.tenant,
        jobs,
        idempotency,
        watcher,
        log,
        audit,
      });
    },
  });

  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const { http: httpLimits } = config.server;
  const server = http.createServer({
    requestTimeout: httpLimits.requestTimeoutMs,
    headersTimeout: httpLimits.headersTimeoutMs,
    // Node checks the two timeouts above only this often (30 s by default).
    connectionsCheckingInterval: Math.min(1_000, httpLimits.headersTimeoutMs),
  }, (req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.url === '/readyz') {
      res.writeHead(draining ? 503 : 200, { 'content-type': 'text/plain' }).end(draining ? 'draining' : 'ready');
      return;
    }
    if (req.url?.startsWith(JOB_CALLBACK_PREFIX)) {
      receiveJobCallback(req, res, watcher, log);
      return;
    }
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    // The demo's GraphiQL page holds its key: no other site may read or frame it.
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    if (options.graphiqlApiKey && asksForGraphiQL(req) && isCrossOrigin(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('GraphiQL is served to its own origin only');
      return;
    }
    const admitted = admit(req, res, { tenants, maxBodyBytes: httpLimits.maxBodyBytes, graphiql: config.server.graphiql });
    if (!admitted) return;
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    runInRequestScope(requestId, () => void yoga(req, res, { principal: admitted.principal }));
  });
  server.maxConnections = httpLimits.maxConnections;

  // maxPayload: no message, authenticated or not, is read past this size (ws's default is 100 MiB).
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: config.subscriptions.maxPayloadBytes });
  const wsHandle = useServer<Record<string, unknown>, WsContextExtra>(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as { execute: Executor }).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: Executor }).subscribe(args),
      connectionInitWaitTimeout: config.subscriptions.connectionInitTimeoutMs,
      onConnect: (ctx) => {
        const principal = tenants.authenticate(ctx.connectionParams?.authorization);
        if (!principal) return false;
        const extra = ctx.extra as unknown as WsContextExtra & { request?: unknown; socket: WebSocket };
        if (!keySockets.admit(principal.keyHash, extra.socket)) return false;
        extra.principal = principal;
        // The upgrade request (headers and all) is not needed once the socket is accepted: with
        // thousands of sockets open, not keeping it matters.
        delete extra.request;
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws registers the operation before asking; the limit counts it too.
        if (Object.keys(ctx.subscriptions).length > config.subscriptions.maxPerSocket) {
          return [
            new GraphQLError(`This connection already has ${config.subscriptions.maxPerSocket} operations, the most it may hold`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        const requestId = requestIdFrom(undefined);
        return runInRequestScope(requestId, async () => {
          // Only what the context factory reads: each subscription keeps its context for its whole life.
          const { schema: envelopedSchema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            params: payload,
            principal: ctx.extra.principal,
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
  const stopHeartbeat = dropUnresponsiveSockets(wsServer, config.subscriptions.heartbeatMs);

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
    watcher,
    tenants,
    replaceKeys(next) {
      const revoked = tenants.replaceKeys(next);
      keySubscriptions.revoke(revoked);
      return { revoked: revoked.length, socketsClosed: keySockets.revoke(revoked) };
    },
    async close() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // 1001 Going Away: graphql-ws clients reconnect, to another replica behind the balancer.
      stopHeartbeat();
      for (const client of wsServer.clients) client.close(1001, 'server shutting down');
      await wsHandle.dispose();
      // SSE subscriptions are requests in flight too: they complete now, and clients reconnect elsewhere.
      watcher.endStreams();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeIdleConnections();
      await closed;
      await live.close();
      await tenants.close();
      log.info('backupgraph stopped');
    },
  };
}

type Executor = (args: ExecutionArgs) => OperationResult;
