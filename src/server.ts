import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { createYoga, type YogaInitialContext } from 'graphql-yoga';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { upstreamSettingsOf, type GatewayConfig, type ProviderConfig } from './config.js';
import { createRequestContext, type GatewayContext } from './context.js';
import { providerKeyOf } from './core/ids.js';
import type { JobTracker } from './core/jobs.js';
import { JOB_CALLBACK_PREFIX, receiveJobCallback, withJobCallback } from './core/job-callbacks.js';
import { createLiveStatus } from './core/live.js';
import { dropUnresponsiveSockets } from './core/ws-heartbeat.js';
import { createLogger, currentRequestId, requestIdFrom, runInRequestScope, type Logger } from './core/logger.js';
import { TenantDirectory, type Tenant } from './core/tenancy.js';
import type { StatusWatcher } from './core/watcher.js';
import { errorMasking } from './plugins/use-error-masking.js';
import { useIntrospectionPolicy } from './plugins/use-introspection-policy.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { useSharedSubscriptionResults } from './plugins/use-shared-subscription-results.js';
import { usePartialFailures } from './plugins/use-partial-failures.js';
import { createProvider, type ProviderServices } from './providers/registry.js';
import type { BackupProvider } from './providers/provider.js';
import { schema } from './schema/index.js';

/**
 * One gateway: yoga (HTTP and SSE) and graphql-ws on the same port and path, health endpoints,
 * the job tracker and every tenant's providers. `close()` drains it: new connections are refused,
 * open sockets are told the server is going away, in-flight requests finish, upstream pools close.
 */

export interface GatewayOptions {
  logger?: Logger;
  /** Replaces the adapters built from the config (tests inject their own). */
  providerFactory?: AdapterFactory;
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
  const live = createLiveStatus(config, log);
  const createAdapter = options.providerFactory ?? createProvider;
  const reportingJobEnds = new Set<string>();
  const tenants = new TenantDirectory(config.tenants, (tenant, provider) => {
    const adapterConfig = withJobCallback(config, tenant, provider);
    if (adapterConfig.kind === 'zstack' && adapterConfig.webhookUrl) reportingJobEnds.add(providerKeyOf(tenant, provider.name));
    return live.observe(createAdapter(tenant, adapterConfig, { log, upstream: upstreamSettingsOf(config, provider) }));
  });
  live.start(
    tenants.tenants.flatMap((tenant) => tenant.providers),
    (provider) => reportingJobEnds.has(provider.key),
  );
  const { jobs, watcher, idempotency } = live;

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
    plugins: [
      useOperationLimits(config.server.limits),
      useIntrospectionPolicy(config.server.introspection),
      usePartialFailures(),
      useSharedSubscriptionResults<GatewayContext>((context) => context.tenant),
    ],
    context: (initial: YogaInitialContext & { tenant?: Tenant }) => {
      // Over WebSocket the tenant was settled when the connection was accepted; over HTTP, here.
      const tenant = initial.tenant ?? tenants.authenticate(initial.request?.headers.get('authorization'));
      if (!tenant) throw unauthenticated();
      return createRequestContext({
        requestId: currentRequestId() ?? requestIdFrom(undefined),
        tenant,
        jobs,
        idempotency,
        watcher,
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
    if (req.url?.startsWith(JOB_CALLBACK_PREFIX)) {
      receiveJobCallback(req, res, watcher, log);
      return;
    }
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    runInRequestScope(requestId, () => void yoga(req, res), Date.now() + config.server.requestDeadlineMs);
  });

  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
  const wsHandle = useServer<Record<string, unknown>, WsContextExtra>(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as { execute: Executor }).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: Executor }).subscribe(args),
      connectionInitWaitTimeout: config.subscriptions.connectionInitTimeoutMs,
      onConnect: (ctx) => {
        const tenant = tenants.authenticate(ctx.connectionParams?.authorization);
        if (!tenant) return false;
        const extra = ctx.extra as unknown as WsContextExtra & { request?: unknown };
        extra.tenant = tenant;
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

/** Builds one provider's adapter; `services` carries the log and the provider's upstream settings. */
export type AdapterFactory = (tenant: string, config: ProviderConfig, services: ProviderServices) => BackupProvider;

type Executor = (args: ExecutionArgs) => OperationResult;
