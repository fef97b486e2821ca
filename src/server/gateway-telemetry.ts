import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { GatewayMetrics } from '../infrastructure/metrics.js';
import { upstreamCalls, type UpstreamCall } from '../infrastructure/upstream-telemetry.js';
import { isFinished } from '../domain/job-progress.js';
import type { Jobs } from '../live/jobs.js';
import type { StatusWatcher } from '../live/watcher.js';
import type { BackupProvider, ProviderKey } from '../domain/provider.js';

/**
 * Feeds the gateway's metrics from what its parts report: upstream calls (from the
 * diagnostics channel, only this gateway's providers), jobs, watcher rounds and leases, WebSockets
 * and SSE streams. Returns what stops listening.
 */

export interface TelemetrySources {
  metrics: GatewayMetrics;
  provider(key: ProviderKey): BackupProvider | undefined;
  jobs: Jobs;
  watcher: StatusWatcher;
  wsServer: WebSocketServer;
}

export interface GatewayTelemetry {
  /** Counts an SSE response while it stays open. */
  trackStream(req: IncomingMessage, res: ServerResponse): void;
  stop(): void;
}

export function observeGateway(sources: TelemetrySources): GatewayTelemetry {
  const { metrics, jobs, watcher, wsServer } = sources;
  // The label values upstream calls carry too: `HUAWEI_VBS` → `huawei-vbs`.
  const kindOf = (key: ProviderKey) => sources.provider(key)?.kind.toLowerCase().replace('_', '-') ?? 'unknown';

  const onUpstreamCall = (message: unknown) => {
    const call = message as UpstreamCall;
    if (!sources.provider(call.providerKey)) return;
    const labels = { provider: call.provider, operation: call.operation, outcome: call.outcome };
    metrics.upstreamRequests.inc(labels);
    metrics.upstreamDuration.observe(labels, call.durationMs / 1000);
    // The failure's log line is written by the provider's guard (infrastructure/upstream-log.ts),
    // once per failure and rate-limited; here it is only counted.
    if (call.outcome !== 'ok') metrics.upstreamErrors.inc({ provider: call.provider, vendor_code: call.vendorCode ?? 'none' });
  };
  upstreamCalls.subscribe(onUpstreamCall);

  const stopJobs = jobs.onTransition((job, previous) => {
    if (previous === null) metrics.jobsStarted.inc({ provider: kindOf(job.providerKey), operation: job.operation });
    else if (isFinished(job.status) && !isFinished(previous.status)) {
      metrics.jobsFinished.inc({ provider: kindOf(job.providerKey), operation: job.operation, status: job.status });
    }
  });
  const stopTicks = watcher.onTick((tick) => {
    const provider = kindOf(tick.providerKey);
    metrics.watcherPollRounds.inc({ provider, outcome: tick.failed ? 'failed' : tick.moving || tick.changes > 0 ? 'moving' : 'idle' });
    metrics.watcherLag.observe({ provider }, tick.lagMs / 1000);
  });
  metrics.readLeasesFrom(() => watcher.leasesHeld);

  const onConnection = (socket: { once(event: 'close', listener: () => void): unknown }) => {
    metrics.websocketsOpen.inc();
    socket.once('close', () => metrics.websocketsOpen.dec());
  };
  wsServer.on('connection', onConnection);

  return {
    trackStream(req, res) {
      if (!req.headers.accept?.includes('text/event-stream')) return;
      metrics.sseStreamsOpen.inc();
      res.once('close', () => metrics.sseStreamsOpen.dec());
    },
    stop() {
      upstreamCalls.unsubscribe(onUpstreamCall);
      stopJobs();
      stopTicks();
      wsServer.off('connection', onConnection);
    },
  };
}
