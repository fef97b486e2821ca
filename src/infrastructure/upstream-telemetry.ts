import { channel } from 'node:diagnostics_channel';
import { SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import { noteUpstreamCall } from './logger.js';
import type { UpstreamOutcome } from './metrics.js';

/**
 * What every upstream call reports, whichever vendor it goes to: a client span (a child of the
 * GraphQL operation's span when there is one, with the W3C `traceparent` passed on to the vendor),
 * a count against the current request, and one message on a diagnostics channel that the gateway
 * turns into metrics and warn lines. Adapters only say who they are (`UpstreamIdentity`); the span
 * and the message hold the route template, never the concrete path, query, headers or body, so no
 * id, filter, token or signature leaves through them.
 */

export interface UpstreamIdentity {
  /** Provider kind (`zstack`, `huawei-vbs`, `huawei-taurusdb`, `huawei-cbr`): a metric label, so never a name. */
  provider: string;
  /** Whose calls these are, so that a gateway counts only its own providers' calls. */
  providerKey: string;
  /** Reads the vendor's error code from an error answer. */
  vendorCodeOf?: (status: number, body: string) => string | null;
}

export interface UpstreamCall {
  provider: string;
  providerKey: string;
  /** `GET /v1/volume-backups/{id}`: method and route template. */
  operation: string;
  status: number | null;
  outcome: UpstreamOutcome;
  vendorCode: string | null;
  durationMs: number;
  /** Why a call got no answer (timeout, connection refused); no URL or credential in it. */
  failure: string | null;
}

export const upstreamCalls = channel('backupgraph:upstream-call');

const tracer = trace.getTracer('backupgraph');

/**
 * `/v3/0a1b…/backups/3f2e-…` → `/v3/{id}/backups/{id}`. Vendor ids are UUIDs, 32-hex strings or
 * suffixed hex (TaurusDB's `…in07`); every such segment holds a digit and is longer than a version
 * segment (`v2.1`), which is what this rule keys on.
 */
export function routeTemplate(path: string): string {
  const pathOnly = path.split('?', 1)[0] ?? '';
  return pathOnly
    .split('/')
    .map((segment) => (/\d/.test(segment) && (segment.length > 6 || /^\d+$/.test(segment)) ? '{id}' : segment))
    .join('/');
}

export interface Attempt {
  /** The request headers plus the trace context to pass on. */
  headers: Record<string, string>;
  /** Call once with the answer's status and body, or with the error that left none. */
  answered(status: number, body: string): void;
  failed(timedOut: boolean, reason: string): void;
}

export function startUpstreamCall(identity: UpstreamIdentity | undefined, method: string, path: string, headers: Record<string, string>): Attempt {
  const route = routeTemplate(path);
  const operation = `${method} ${route}`;
  const started = performance.now();
  const span = tracer.startSpan(operation, {
    kind: SpanKind.CLIENT,
    attributes: {
      'backupgraph.provider': identity?.provider ?? 'unknown',
      'http.request.method': method,
      'url.template': route,
    },
  });
  const carrier: Record<string, string> = { ...headers };
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  noteUpstreamCall();
  const finish = (call: Omit<UpstreamCall, 'provider' | 'providerKey' | 'operation' | 'durationMs'>) => {
    endSpan(span, call);
    if (identity && upstreamCalls.hasSubscribers) {
      upstreamCalls.publish({ provider: identity.provider, providerKey: identity.providerKey, operation, durationMs: performance.now() - started, ...call } satisfies UpstreamCall);
    }
  };
  return {
    headers: carrier,
    answered(status, body) {
      const outcome: UpstreamOutcome = status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'ok';
      const vendorCode = outcome === 'ok' ? null : (identity?.vendorCodeOf?.(status, body) ?? null);
      finish({ status, outcome, vendorCode, failure: null });
    },
    failed(timedOut, reason) {
      finish({ status: null, outcome: timedOut ? 'timeout' : 'network_error', vendorCode: null, failure: reason });
    },
  };
}

function endSpan(span: Span, call: Pick<UpstreamCall, 'status' | 'outcome' | 'vendorCode' | 'failure'>): void {
  if (call.status !== null) span.setAttribute('http.response.status_code', call.status);
  if (call.vendorCode) span.setAttribute('backupgraph.vendor_code', call.vendorCode);
  if (call.outcome !== 'ok') {
    span.setAttribute('error.type', call.vendorCode ?? (call.status !== null ? String(call.status) : call.outcome));
    span.setStatus({ code: SpanStatusCode.ERROR, message: call.failure ?? call.outcome });
  }
  span.end();
}
