import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../infrastructure/clock.js';
import { upstreamSettingsOf, type GatewayConfig, type ProviderConfig, type TenantConfig } from '../infrastructure/config.js';
import { createLogger, type Logger } from '../infrastructure/logger.js';
import { createGatewayMetrics } from '../infrastructure/metrics.js';
import { JobCallbacks } from '../live/job-callbacks.js';
import type { Jobs } from '../live/jobs.js';
import { createLiveStatus, type LiveView } from '../live/live.js';
import type { StatusWatcher } from '../live/watcher.js';
import type { BackupProvider } from '../domain/provider.js';
import { createProvider, type ProviderServices } from '../providers/registry.js';
import { TenantDirectory } from '../providers/tenancy.js';
import { createAuthenticator } from './authentication.js';
import { observeGateway } from './gateway-telemetry.js';
import { attachGraphqlWs } from './graphql-ws-server.js';
import { loadGraphiQL } from './graphiql.js';
import { createHttpServer } from './http-server.js';
import { KeySockets, KeySubscriptions } from './plugins/use-subscription-budgets.js';
import { loadTrustedDocuments } from './plugins/use-trusted-documents.js';
import { ResponseCache } from './response-cache.js';
import { createGatewayYoga, GRAPHQL_PATH } from './yoga.js';

/**
 * One gateway: every tenant's providers, live status, and yoga (HTTP and SSE) with graphql-ws on
 * the same port and path. `close()` drains it: readiness fails, open sockets are told the server is
 * going away, in-flight requests finish, upstream pools close.
 */

export interface GatewayOptions {
  logger?: Logger;
  /** Replaces the adapters built from the config (tests inject their own). */
  providerFactory?: AdapterFactory;
  /** Demo mode: a key to pre-fill in GraphiQL's headers and the console. */
  graphiqlApiKey?: string;
  /** Time for live status (tests drive it); the system clock by default. */
  clock?: Clock;
}

/** Builds one provider's adapter; `services` carries the log and the provider's upstream settings. */
export type AdapterFactory = (tenant: string, config: ProviderConfig, services: ProviderServices) => BackupProvider;

export interface Gateway {
  url: string;
  graphqlUrl: string;
  log: Logger;
  jobs: Jobs;
  watcher: StatusWatcher;
  /** What a request sees of live status (tests build request contexts with it). */
  live: LiveView;
  tenants: TenantDirectory;
  /**
   * Takes new API keys (key rotation, see key-rotation.ts): removed keys stop working for new
   * requests, their WebSockets close with 4403 and their SSE subscriptions complete. Throws,
   * changing nothing, when tenants differ.
   */
  replaceKeys(tenants: readonly TenantConfig[]): { revoked: number; socketsClosed: number };
  close(): Promise<void>;
}

export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.logger ?? createLogger();
  const createAdapter = options.providerFactory ?? createProvider;
  const clock = options.clock ?? systemClock;
  const jobCallbacks = new JobCallbacks(config.watcher.callbackSecret ?? randomBytes(32).toString('base64url'));
  const tenants = new TenantDirectory(config.tenants, (tenant, provider) =>
    createAdapter(tenant, jobCallbacks.withCallback(config, tenant, provider), { log, upstream: upstreamSettingsOf(config, provider), clock }),
  );
  const live = createLiveStatus({
    config,
    log,
    clock,
    providers: tenants.tenants.flatMap((tenant) => tenant.providers),
    hasJobCallbacks: (provider) => jobCallbacks.reports(provider.key),
  });
  // Counted always (the same observations feed the warn lines); served only when enabled.
  const metrics = createGatewayMetrics();
  const trusted = config.server.persistedDocuments ? loadTrustedDocuments(config.server.persistedDocuments) : null;
  const keySockets = new KeySockets(config.subscriptions.maxSocketsPerKey);
  const keySubscriptions = new KeySubscriptions(config.subscriptions.maxPerKey);
  const authenticateKey = createAuthenticator(tenants, log);

  const responseCache = new ResponseCache(config.tenants, live.bus, clock);
  const yoga = createGatewayYoga({ config, live, log, metrics, trusted, keySubscriptions, responseCache });
  const graphiql = config.server.graphiql ? await loadGraphiQL(GRAPHQL_PATH, options.graphiqlApiKey) : null;
  const http = createHttpServer({
    config,
    yoga,
    watcher: live.watcher,
    jobCallbacks,
    metrics,
    log,
    authenticate: authenticateKey,
    onRequest: (req, res) => telemetry.trackStream(req, res),
    unavailableDependencies: async () => (live.redis && !(await live.redis.answers()) ? ['redis'] : []),
    graphiql,
    demoApiKey: options.graphiqlApiKey,
  });
  const ws = attachGraphqlWs(http.server, { config, yoga, keySockets, trusted, authenticate: authenticateKey, log });
  const telemetry = observeGateway({ metrics, provider: (key) => tenants.provider(key), jobs: live.jobs, watcher: live.watcher, wsServer: ws.wsServer });

  await new Promise<void>((resolve) => http.server.listen(config.server.port, config.server.host, resolve));
  const address = http.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url: `${url}${GRAPHQL_PATH}` }, 'backupgraph listening');

  return {
    url,
    graphqlUrl: `${url}${GRAPHQL_PATH}`,
    log,
    jobs: live.jobs,
    watcher: live.watcher,
    live: live.view,
    tenants,
    replaceKeys(next) {
      const revoked = tenants.replaceKeys(next);
      keySubscriptions.revoke(revoked);
      return { revoked: revoked.length, socketsClosed: keySockets.revoke(revoked) };
    },
    async close() {
      const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
      const drained = http.drain();
      await ws.close();
      // SSE subscriptions are requests in flight too: they complete now, and clients reconnect elsewhere.
      live.subscriptions.endStreams();
      await drained;
      http.server.closeIdleConnections();
      await closed;
      responseCache.close();
      await live.close();
      await tenants.close();
      telemetry.stop();
      log.info('backupgraph stopped');
    },
  };
}
