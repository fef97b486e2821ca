import http from 'node:http';
import type { GatewayConfig } from '../infrastructure/config.js';
import { requestIdFrom, runInRequestScope, type Logger } from '../infrastructure/logger.js';
import type { GatewayMetrics } from '../infrastructure/metrics.js';
import type { JobCallbacks } from '../live/job-callbacks.js';
import type { StatusWatcher } from '../live/watcher.js';
import type { Authenticate } from './authentication.js';
import { serveConsole } from './console.js';
import type { GraphiQL } from './graphiql.js';
import { admit } from './http-admission.js';
import { METRICS_PATH, serveMetrics } from './metrics-endpoint.js';
import { boundedResponse, cutStalledWrites } from './slow-readers.js';
import type { GatewayYoga } from './yoga.js';

/**
 * The HTTP side of the gateway: health and readiness, metrics, the console, vendor job callbacks, then GraphQL
 * for admitted requests (key checked and size declared before the body is read). Counts requests
 * in flight, so that a drain can wait for them.
 */

export interface HttpServerDependencies {
  config: GatewayConfig;
  yoga: GatewayYoga;
  watcher: StatusWatcher;
  jobCallbacks: JobCallbacks;
  metrics: GatewayMetrics;
  log: Logger;
  authenticate: Authenticate;
  /** Each GraphQL request, before it runs (metrics count SSE streams). */
  onRequest(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** The shared dependencies that do not answer now (`redis`), for readiness. */
  unavailableDependencies(): Promise<string[]>;
  /** GraphiQL's page and assets, when it is on. */
  graphiql: GraphiQL | null;
  /** Demo mode: the console holds this key, so its page is served to its own origin only. */
  demoApiKey?: string;
}

export interface GatewayHttpServer {
  server: http.Server;
  /** Readiness answers 503 from now on, and the promise settles when no request is in flight. */
  drain(): Promise<void>;
}

export function createHttpServer(deps: HttpServerDependencies): GatewayHttpServer {
  const { config, yoga, watcher, metrics, log } = deps;
  const limits = config.server.http;
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const server = http.createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      ServerResponse: boundedResponse(limits.maxBufferedBytes, () => metrics.slowReadersCut.inc({ reason: 'write_buffer' })),
    },
    (req, res) => {
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      if (req.url === '/readyz') {
        void answerReadiness(res);
        return;
      }
      if (config.server.metrics.enabled && req.url === METRICS_PATH) {
        serveMetrics(req, res, metrics.registry, config.server.metrics.token);
        return;
      }
      if (config.server.console && serveConsole(req, res, deps.demoApiKey)) return;
      if (deps.graphiql?.serve(req, res)) return;
      if (deps.jobCallbacks.receive(req, res, watcher, log)) return;
      const requestId = requestIdFrom(req.headers['x-request-id']);
      res.setHeader('x-request-id', requestId);
      res.setHeader('cross-origin-resource-policy', 'same-origin');
      const admitted = admit(req, res, {
        authenticate: (authorization) => deps.authenticate(authorization, req.socket.remoteAddress, requestId),
        maxBodyBytes: limits.maxBodyBytes,
      });
      if (!admitted) return;
      deps.onRequest(req, res);
      inFlight += 1;
      res.on('close', () => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
      runInRequestScope(
        requestId,
        () => void yoga(req, res, { principal: admitted.principal, requestId }),
        Date.now() + config.server.requestDeadlineMs,
        admitted.principal?.keyHash,
      );
    },
  );
  server.maxConnections = limits.maxConnections;
  cutStalledWrites(server, limits.writeTimeoutMs, () => metrics.slowReadersCut.inc({ reason: 'write_timeout' }));

  /** 503 while draining or while a dependency every request needs (Redis) does not answer, naming it. */
  async function answerReadiness(res: http.ServerResponse): Promise<void> {
    const unavailable = draining ? [] : await deps.unavailableDependencies();
    const status = draining || unavailable.length > 0 ? 503 : 200;
    const body = draining ? 'draining' : unavailable.length > 0 ? `not ready: ${unavailable.join(', ')} unavailable` : 'ready';
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  }

  return {
    server,
    async drain() {
      draining = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
    },
  };
}
