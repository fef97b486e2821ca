import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry for the process, on the SDK 2.x line (Node ≥20.6; the 3.x line needs Node 22.15,
 * and 1.x is what @envelop/opentelemetry still pins). `register()` installs the AsyncLocalStorage
 * context manager and the W3C trace-context propagator, so an incoming `traceparent` is honoured and
 * passed on to vendors. Without a started provider every span is a no-op.
 */

export interface TracingSettings {
  enabled: boolean;
  otlpEndpoint?: string | undefined;
  serviceName?: string | undefined;
}

export interface Tracing {
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/** Whether the config or the standard OTEL_* variables ask for traces. */
export function tracingWanted(settings: TracingSettings, env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return (
    settings.enabled ||
    env.OTEL_TRACES_EXPORTER === 'otlp' ||
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT) ||
    Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  );
}

/**
 * Starts the global tracer provider. `exporter` replaces OTLP (tests pass an in-memory one and get
 * each span as it ends).
 */
export function startTracing(settings: TracingSettings, env: NodeJS.ProcessEnv = process.env, exporter?: SpanExporter): Tracing {
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter(settings.otlpEndpoint ? { url: settings.otlpEndpoint } : {}));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName ?? env.OTEL_SERVICE_NAME ?? 'backupgraph' }),
    spanProcessors: [processor],
  });
  provider.register();
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
    },
  };
}
