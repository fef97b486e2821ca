import { GraphQLError } from 'graphql';
import { createYoga, type YogaInitialContext } from 'graphql-yoga';
import type { GatewayConfig } from '../infrastructure/config.js';
import { currentRequestId, requestIdFrom, type Logger } from '../infrastructure/logger.js';
import type { GatewayMetrics } from '../infrastructure/metrics.js';
import type { LiveStatus } from '../live/live.js';
import type { Principal } from '../providers/access.js';
import { contextForOneExecution, createRequestContext, type GatewayContext } from '../schema/context.js';
import { schema } from '../schema/index.js';
import { auditLogger, useAuditLog } from './plugins/use-audit-log.js';
import { useCompiledExecution } from './plugins/use-compiled-execution.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { errorMasking, subscriptionRequestIdsOnErrors, useRequestIdsOnErrors } from './plugins/use-error-masking.js';
import { useIntrospectionPolicy } from './plugins/use-introspection-policy.js';
import { subscriptionMetrics, useMetrics } from './plugins/use-metrics.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { subscriptionLog, useOperationLog } from './plugins/use-operation-log.js';
import { usePartialFailures } from './plugins/use-partial-failures.js';
import { useQueryCost } from './plugins/use-query-cost.js';
import { KeyRates } from './plugins/use-rate-limits.js';
import { useResponseCache } from './plugins/use-response-cache.js';
import { useScopes } from './plugins/use-scopes.js';
import { subscriptionEventCosts } from './plugins/use-subscription-event-costs.js';
import { useSharedSubscriptionResults } from './plugins/use-shared-subscription-results.js';
import type { KeySubscriptions } from './plugins/use-subscription-budgets.js';
import { useSuggestionPolicy } from './plugins/use-suggestion-policy.js';
import { useTracing } from './plugins/use-tracing.js';
import { useCostReport, useUpstreamBudget } from './plugins/use-upstream-budget.js';
import type { TrustedDocuments } from './plugins/use-trusted-documents.js';
import type { ResponseCache } from './response-cache.js';

export const GRAPHQL_PATH = '/graphql';

/** What the HTTP handler and the WebSocket server hand yoga along with each operation. */
export interface RequestServerContext {
  /** Settled before the body was read (HTTP) or when the socket was accepted (WebSocket). */
  principal?: Principal | null;
  requestId?: string;
}

export interface YogaDependencies {
  config: GatewayConfig;
  live: LiveStatus;
  log: Logger;
  metrics: GatewayMetrics;
  trusted: TrustedDocuments | null;
  keySubscriptions: KeySubscriptions;
  responseCache: ResponseCache;
}

function unauthenticated(): GraphQLError {
  return new GraphQLError('A valid API key is required: send `Authorization: Bearer <key>`', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

/** Yoga with the gateway's plugins, in the order they must see an operation, and its request context. */
export function createGatewayYoga({ config, live, log, metrics, trusted, keySubscriptions, responseCache }: YogaDependencies) {
  const { limits } = config.server;
  const audit = auditLogger(log);
  const keyRates = new KeyRates(config.rateLimits, live.redis);
  return createYoga<RequestServerContext, GatewayContext>({
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
    // GraphiQL is served before yoga (graphiql.ts): yoga's would inline 9 MB per request.
    graphiql: false,
    // The HTTP admission (http-admission.ts) has refused a POST without a Content-Length or over
    // `maxBodyBytes` before yoga sees it, and Node's parser reads no more than that length: yoga's
    // own limit (25 MB) would only pipe every body through a counting stream.
    maxRequestBodySize: false,
    plugins: [
      useCsrfPrevention(),
      ...(trusted ? [trusted.plugin] : []),
      useOperationLimits(limits),
      useSuggestionPolicy(config.server.fieldSuggestions && config.server.introspection),
      useIntrospectionPolicy(config.server.introspection),
      // In this order: the audit sees every refusal of the checks after it; cost is counted before
      // the rate limiter spends it.
      useCostReport(),
      useAuditLog(audit),
      useScopes(),
      useQueryCost(limits),
      keyRates.plugin(),
      usePartialFailures(),
      // Every subscription is one stream that carries its concerns (subscription-stream.ts): the
      // per-key budget counts only subscriptions that passed every check above.
      useSharedSubscriptionResults<GatewayContext>((context) => context.tenant, contextForOneExecution, [
        keySubscriptions.concern(),
        subscriptionEventCosts((keyHash, providerName) => keyRates.spendOnEvent(keyHash, providerName)),
        subscriptionRequestIdsOnErrors,
        subscriptionLog(log),
        subscriptionMetrics(metrics),
      ]),
      useCompiledExecution(),
      useUpstreamBudget(),
      // After the budget: a hit is answered without running (or spending) anything.
      useResponseCache(responseCache),
      useRequestIdsOnErrors(),
      // After the plugins that change results, so that spans, log lines and metrics see the final one.
      useTracing(),
      useOperationLog(log),
      ...useMetrics(metrics),
    ],
    context: (initial: YogaInitialContext & RequestServerContext) => {
      // CORS preflights come this far without a principal, and run no operation.
      const principal = initial.principal;
      if (!principal) throw unauthenticated();
      return createRequestContext({
        requestId: initial.requestId ?? currentRequestId() ?? requestIdFrom(undefined),
        principal,
        tenant: principal.tenant,
        jobs: live.jobs,
        idempotency: live.idempotency,
        live: live.view,
        log,
        audit,
      });
    },
  });
}

export type GatewayYoga = ReturnType<typeof createGatewayYoga>;
