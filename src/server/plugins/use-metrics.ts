import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../../infrastructure/metrics.js';
import { deprecatedFieldCounter } from '../deprecated-field-usage.js';
import type { SubscriptionConcern } from './subscription-stream.js';

/**
 * yoga's Prometheus plugin (graphql_envelop_* and graphql_yoga_http_duration) on the gateway's
 * registry, plus the gauge of subscriptions being served. Operation names are left out of the
 * labels: clients choose them, so they would make the series count unbounded. Per-resolver
 * histograms stay off (the plugin's default): they would time every field of every row.
 * /metrics itself is served by the gateway (server/metrics-endpoint.ts), where it can ask for a token.
 */
export function useMetrics(metrics: GatewayMetrics): Plugin[] {
  let schema: GraphQLSchema | null = null;
  const prometheus = usePrometheus({
    registry: metrics.registry,
    endpoint: false,
    labels: { operationName: false, operationType: true, phase: true, method: true, statusCode: true, url: false },
    metrics: {
      graphql_envelop_deprecated_field: deprecatedFieldCounter(metrics.registry, () => schema),
      // Nothing per subscription: the plugin's subscribe phase keeps closures, label sets and
      // handler lists for each subscriber's whole life (about 1.5 KB; ten thousand consoles) to
      // time the stream's whole life, which says nothing about a live stream; the request counters
      // and timings likewise count queries and mutations only. Open subscriptions are counted
      // below; a stream that fails is logged with its request id (use-operation-log).
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_request: ['execute'],
      graphql_envelop_request_duration: ['execute'],
      graphql_envelop_request_time_summary: ['execute'],
      graphql_envelop_error_result: ['parse', 'validate', 'context', 'execute'],
    },
  });
  const schemaOf: Plugin = {
    onSchemaChange(event) {
      schema = event.schema;
    },
  };
  return [prometheus as Plugin, schemaOf];
}

/** graphql-ws subscriptions carry no Fetch request; SSE ones do. */
const transportOf = (context: object) => ((context as { request?: unknown }).request ? 'sse' : 'ws');

/** The gauge of subscriptions being served, by transport: up when a stream opens, down when it ends however it ends. */
export function subscriptionMetrics(metrics: GatewayMetrics): SubscriptionConcern<object> {
  return {
    opened: (stream) => metrics.subscriptionsActive.inc({ transport: transportOf(stream.context) }),
    ended: (stream) => {
      if (stream.opened) metrics.subscriptionsActive.dec({ transport: transportOf(stream.context) });
    },
  };
}
