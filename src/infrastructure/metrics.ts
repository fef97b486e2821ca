import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's own Prometheus series, in one registry per gateway (tests run several gateways in
 * one process; a shared default registry would refuse the second set). Every label takes values from
 * a closed set (provider kinds, route templates, job operations and statuses, outcomes): never an id,
 * a tenant-chosen name or anything a client sends, so the number of series stays bounded.
 *
 * Seam for the resilience work: a circuit breaker registers its state gauge on `registry`
 * (`backupgraph_upstream_circuit_state{provider}`); nothing here needs to change for it.
 */

export type UpstreamOutcome = 'ok' | 'client_error' | 'server_error' | 'timeout' | 'network_error';

export interface GatewayMetrics {
  registry: Registry;
  upstreamRequests: Counter<'provider' | 'operation' | 'outcome'>;
  upstreamDuration: Histogram<'provider' | 'operation' | 'outcome'>;
  upstreamErrors: Counter<'provider' | 'vendor_code'>;
  jobsStarted: Counter<'provider' | 'operation'>;
  jobsFinished: Counter<'provider' | 'operation' | 'status'>;
  websocketsOpen: Gauge;
  sseStreamsOpen: Gauge;
  subscriptionsActive: Gauge<'transport'>;
  watcherPollRounds: Counter<'provider' | 'outcome'>;
  watcherLag: Histogram<'provider'>;
  leasesHeld: Gauge;
  /** Connections closed because their client stopped reading (`write_timeout` or `write_buffer`). */
  slowReadersCut: Counter<'reason'>;
  /** Where the leases gauge reads its value at each scrape. */
  readLeasesFrom(source: () => number): void;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let leases = () => 0;
  return {
    registry,
    upstreamRequests: new Counter({
      name: 'backupgraph_upstream_requests_total',
      help: 'HTTP requests to vendor APIs, by provider kind, route template and outcome',
      labelNames: ['provider', 'operation', 'outcome'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'backupgraph_upstream_request_duration_seconds',
      help: 'Latency of HTTP requests to vendor APIs',
      labelNames: ['provider', 'operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'backupgraph_upstream_errors_total',
      help: 'Vendor API answers that were errors, by the vendor error code ("none" when the vendor gave none)',
      labelNames: ['provider', 'vendor_code'],
      registers,
    }),
    jobsStarted: new Counter({
      name: 'backupgraph_jobs_started_total',
      help: 'Vendor jobs this replica started',
      labelNames: ['provider', 'operation'],
      registers,
    }),
    jobsFinished: new Counter({
      name: 'backupgraph_jobs_finished_total',
      help: 'Jobs this replica started or followed that reached a terminal status',
      labelNames: ['provider', 'operation', 'status'],
      registers,
    }),
    websocketsOpen: new Gauge({ name: 'backupgraph_websockets_open', help: 'Open graphql-ws WebSocket connections', registers }),
    sseStreamsOpen: new Gauge({ name: 'backupgraph_sse_streams_open', help: 'Open Server-Sent Events responses', registers }),
    subscriptionsActive: new Gauge({
      name: 'backupgraph_subscriptions_active',
      help: 'GraphQL subscriptions being served, by transport',
      labelNames: ['transport'],
      registers,
    }),
    watcherPollRounds: new Counter({
      name: 'backupgraph_watcher_poll_rounds_total',
      help: 'Status watcher poll rounds this replica ran, by provider kind and whether something moved',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    watcherLag: new Histogram({
      name: 'backupgraph_watcher_poll_lag_seconds',
      help: 'How late a poll round started after it was due (event-loop or vendor pressure)',
      labelNames: ['provider'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    leasesHeld: new Gauge({
      name: 'backupgraph_watcher_leases_held',
      help: 'Provider instances this replica polls (leases held)',
      registers,
      collect() {
        this.set(leases());
      },
    }),
    slowReadersCut: new Counter({
      name: 'backupgraph_http_slow_readers_cut_total',
      help: 'HTTP connections closed because the client took no response bytes in time or let too many wait',
      labelNames: ['reason'],
      registers,
    }),
    readLeasesFrom(source) {
      leases = source;
    },
  };
}
