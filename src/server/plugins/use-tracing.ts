import { ProxyTracerProvider, SpanKind, SpanStatusCode, context, isSpanContextValid, propagation, trace, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { currentRequestId } from '../../infrastructure/logger.js';
import { describeOperation, errorCodesOf, isSingleResult } from '../operation-facts.js';

/**
 * One server span per GraphQL operation, the child of an incoming W3C `traceparent` when there is
 * one. Execution runs with the span active, so every upstream call it makes (dataloader batches
 * included) becomes a child span (infrastructure/upstream-telemetry.ts). Attributes are the
 * operation's name and type, the tenant and the error codes: never variables, headers or keys.
 *
 * Written by hand over @opentelemetry/api rather than @envelop/opentelemetry: that plugin pins the
 * OTel SDK 1.x line, and the gateway runs 2.x (see infrastructure/tracing.ts).
 */

const TRACER = 'backupgraph';
const tracer = trace.getTracer(TRACER);

/**
 * Whether a tracer provider is registered (infrastructure/tracing.ts, started before or after the
 * gateway). Without one every span is a no-op and no propagator reads `traceparent`: the hooks
 * below return at once, so that tracing switched off costs an operation nothing.
 */
function tracingOn(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER) !== undefined;
}

/** Reads the incoming trace context straight from the Fetch headers, without copying them. */
const fetchHeaders: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

interface TracedContext {
  request?: Request;
  tenant?: { name: string };
}

export function useTracing(): Plugin {
  const start = (document: DocumentNode, operationName: string | null | undefined, contextValue: TracedContext): { span: Span; active: ReturnType<typeof context.active> } => {
    const { type, name } = describeOperation(document, operationName);
    const parent = contextValue.request ? propagation.extract(context.active(), contextValue.request.headers, fetchHeaders) : context.active();
    const span = tracer.startSpan(
      `graphql.${type} ${name}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'graphql.operation.type': type,
          'graphql.operation.name': name,
          ...(contextValue.tenant && { 'backupgraph.tenant': contextValue.tenant.name }),
          ...(currentRequestId() && { 'backupgraph.request_id': currentRequestId() }),
        },
      },
      parent,
    );
    return { span, active: trace.setSpan(parent, span) };
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!tracingOn()) return undefined;
      const { span, active } = start(args.document, args.operationName, args.contextValue as TracedContext);
      if (traced(span)) setExecuteFn((executeArgs) => context.with(active, () => executeFn(executeArgs)));
      return {
        onExecuteDone({ result }) {
          if (isSingleResult(result)) finish(span, result);
          else span.end();
        },
      };
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      // The span covers the subscription's setup (and its first read of current state). Untraced,
      // nothing is kept: hooks returned here would live as long as the subscription.
      if (!tracingOn()) return undefined;
      const { span, active } = start(args.document, args.operationName, args.contextValue as TracedContext);
      if (!traced(span)) return undefined;
      setSubscribeFn((subscribeArgs) => context.with(active, () => subscribeFn(subscribeArgs)));
      return {
        onSubscribeResult({ result }) {
          if (isSingleResult(result)) finish(span, result);
          else span.end();
        },
      };
    },
  };
}

/**
 * Without a tracer provider (tracing off) the span is a no-op with no trace id: there is no context
 * to carry into execution, so execution is not wrapped for it.
 */
function traced(span: Span): boolean {
  return isSpanContextValid(span.spanContext());
}

function finish(span: Span, result: ExecutionResult): void {
  const codes = errorCodesOf(result);
  if (codes.length > 0) {
    span.setAttribute('backupgraph.error_codes', codes);
    // A partial answer (one vendor down) is still an answer; only an operation without data failed.
    if (!result.data) span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(',') });
  }
  span.end();
}
