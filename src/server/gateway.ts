import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { createYoga, type YogaInitialContext } from 'graphql-yoga';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayConfig } from '../infrastructure/config.js';
import { createRequestContext, type GatewayContext } from '../schema/context.js';
import { providerKeyOf } from '../domain/ids.js';
import type { Jobs } from '../live/jobs.js';
import { JOB_CALLBACK_PREFIX, receiveJobCallback, withJobCallback } from '../live/job-callbacks.js';
import { createLiveStatus, type LiveView } from '../live/live.js';
import { dropUnresponsiveSockets } from './ws-heartbeat.js';
import { systemClock, type Clock } from '../infrastructure/clock.js';
import { framedSubscriber } from './graphql-ws-framing.js';
import { createLogger, currentRequestId, requestIdFrom, runInRequestScope, type Logger } from '../infrastructure/logger.js';
import { TenantDirectory, type ProviderFactory, type Tenant } from '../providers/tenancy.js';
import type { StatusWatcher } from '../live/watcher.js';
import { errorMasking, useRequestIdsOnErrors } from './plugins/use-error-masking.js';
import { useIntrospectionPolicy } from './plugins/use-introspection-policy.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { useCompiledExecution } from './plugins/use-compiled-execution.js';
import { useSharedSubscriptionResults } from './plugins/use-shared-subscription-results.js';
import { usePartialFailures } from './plugins/use-partial-failures.js';
import { createProvider } from '../providers/registry.js';
import { createGatewayMetrics } from '../infrastructure/metrics.js';
import { authenticateCaller } from './authentication.js';
import { observeGateway } from './gateway-telemetry.js';
import { serveConsole } from './console.js';
import { graphiqlSettings } from './graphiql.js';
import { METRICS_PATH, serveMetrics } from './metrics-endpoint.js';
import { useMetrics } from './plugins/use-metrics.js';
import { useOperationLog } from './plugins/use-operation-log.js';
import { useTracing } from './plugins/use-tracing.js';
import { loadTrustedDocuments } from './plugins/use-trusted-documents.js';
import { schema } from '../schema/index.js';

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
  /** Time for live status (tests drive it); the system clock by default. */
  clock?: Clock;
}

export interface Gateway {
  url: string;
  graphqlUrl: string;
  log: Logger;
  jobs: Jobs;
  watcher: StatusWatcher;
  /** What a request sees of live status (tests build request contexts with it). */
  live: LiveView;
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
  keyLabel: string;
  socket: WebSocket;
};

/** What the HTTP handler and the WebSocket server hand yoga along with each operation. */
type RequestServerContext = { tenant?: Tenant; keyLabel?: string; requestId?: string };

export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.logger ?? createLogger();
  const createAdapter = options.providerFactory ?? createProvider;
  const reportingJobEnds = new Set<string>();
  const tenants = new TenantDirectory(config.tenants, (tenant, provider) => {
    const adapterConfig = withJobCallback(config, tenant, provider);
    if (adapterConfig.kind === 'zstack' && adapterConfig.webhookUrl) reportingJobEnds.add(providerKeyOf(tenant, provider.name));
    return createAdapter(tenant, adapterConfig);
  });
  const live = createLiveStatus({
    config,
    log,
    clock: options.clock ?? systemClock,
    providers: tenants.tenants.flatMap((tenant) => tenant.providers),
    hasJobCallbacks: (provider) => reportingJobEnds.has(provider.key),
  });
  const { jobs, watcher, idempotency } = live;
  // Counted always (the same observations feed the warn lines); served only when enabled.
  const metrics = createGatewayMetrics();
  const trusted = config.server.persistedDocuments ? loadTrustedDocuments(config.server.persistedDocuments) : null;

  const yoga = createYoga<RequestServerContext, GatewayContext>({
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
    ...graphiqlSettings(config.server.graphiql, options.graphiqlApiKey),
    plugins: [
      ...(trusted ? [trusted.plugin] : []),
      useOperationLimits(config.server.limits, config.server.fieldSuggestions),
      useIntrospectionPolicy(config.server.introspection),
      usePartialFailures(),
      useSharedSubscriptionResults<GatewayContext>((context) => context.tenant),
      useCompiledExecution(),
      useRequestIdsOnErrors(),
      // After the plugins that change results, so that spans, log lines and metrics see the final one.
      useTracing(),
      useOperationLog(log),
      ...useMetrics(metrics),
    ],
    context: (initial: YogaInitialContext & RequestServerContext & { req?: http.IncomingMessage }) => {
      // Over WebSocket the tenant was settled when the connection was accepted; over HTTP, here.
      const caller = initial.tenant
        ? { tenant: initial.tenant, keyLabel: initial.keyLabel }
        : authenticateCaller(tenants, initial.request?.headers.get('authorization'), initial.req?.socket.remoteAddress, log);
      if (!caller) throw unauthenticated();
      return createRequestContext({
        requestId: initial.requestId ?? currentRequestId() ?? requestIdFrom(undefined),
        tenant: caller.tenant,
        keyLabel: caller.keyLabel,
        jobs,
        idempotency,
        live: live.view,
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
    if (config.server.metrics.enabled && req.url === METRICS_PATH) {
      serveMetrics(req, res, metrics.registry, config.server.metrics.token);
      return;
    }
    if (config.server.console && serveConsole(req, res, options.graphiqlApiKey)) return;
    if (req.url?.startsWith(JOB_CALLBACK_PREFIX)) {
      receiveJobCallback(req, res, watcher, log);
      return;
    }
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    telemetry.trackStream(req, res);
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    runInRequestScope(requestId, () => void yoga(req, res, { requestId }));
  });

  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
  const wsHandle = useServer<Record<string, unknown>, WsContextExtra>(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as { execute: Executor }).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: Executor }).subscribe(args),
      connectionInitWaitTimeout: config.subscriptions.connectionInitTimeoutMs,
      onConnect: (ctx) => {
        const extra = ctx.extra as unknown as WsContextExtra & { request?: http.IncomingMessage };
        const caller = authenticateCaller(tenants, ctx.connectionParams?.authorization, extra.request?.socket.remoteAddress, log);
        if (!caller) return false;
        extra.tenant = caller.tenant;
        extra.keyLabel = caller.keyLabel;
        // The upgrade request (headers and all) is not needed once the socket is accepted: with
        // thousands of sockets open, not keeping it matters.
        delete extra.request;
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
        return runInRequestScope(requestId, async () => {
          // Only what the context factory reads: each subscription keeps its context for its whole life.
          const { schema: envelopedSchema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            params: { ...payload, query },
            tenant: ctx.extra.tenant,
            keyLabel: ctx.extra.keyLabel,
            requestId,
          });
          const document = parse(query);
          const errors = validate(envelopedSchema, document);
          if (errors.length > 0) return errors;
          const contextValue = await contextFactory();
          return {
            schema: envelopedSchema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue,
            rootValue: {
              execute: inRequestScope(requestId, execute),
              subscribe: framedSubscriber(ctx.extra.socket, id, inRequestScope(requestId, subscribe)),
            },
          };
        });
      },
    },
    wsServer,
    0, // graphql-ws's own keep-alive would be a second timer per socket: dropUnresponsiveSockets pings them all.
  );
  const stopHeartbeat = dropUnresponsiveSockets(wsServer, config.subscriptions.heartbeatMs);
  const telemetry = observeGateway({ metrics, log, provider: (key) => tenants.provider(key), jobs, watcher, wsServer });

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
    live: live.view,
    tenants,
    async close() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // 1001 Going Away: graphql-ws clients reconnect, to another replica behind the balancer.
      stopHeartbeat();
      for (const client of wsServer.clients) client.close(1001, 'server shutting down');
      await wsHandle.dispose();
      // SSE subscriptions are requests in flight too: they complete now, and clients reconnect elsewhere.
      live.subscriptions.endStreams();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeIdleConnections();
      await closed;
      await live.close();
      await tenants.close();
      telemetry.stop();
      log.info('backupgraph stopped');
    },
  };
}

type Executor = (args: ExecutionArgs) => OperationResult;

/**
 * The request scope must cover execution too, so that logs of an operation carry its id. Declared
 * here rather than per subscription: under tsx a named closure made per subscription would carry
 * a property dictionary of its own for the subscription's whole life.
 */
function inRequestScope(requestId: string, fn: Executor): Executor {
  return (args) => runInRequestScope(requestId, () => fn(args));
}
