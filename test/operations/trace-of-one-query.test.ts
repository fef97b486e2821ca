import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { failNextVolumeListing, VENDOR_CODE } from './faults.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, tracingWanted, type Tracing } from '../../src/infrastructure/tracing.js';
import { HUAWEI_KEYS, startStack, ZSTACK_PASSWORD, type Stack } from '../support/stack.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const QUERY = 'query Inventory { volumes(first: 5) { edges { node { name } } } }';

describe('OpenTelemetry: one span per operation, upstream calls as its children, W3C context in and out', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let stack: Stack;

  beforeAll(async () => {
    tracing = startTracing({ enabled: true }, {}, exporter);
    stack = await startStack({ vbs: {} });
  });
  afterAll(async () => {
    await stack.close();
    await tracing.shutdown();
  });

  it('is off by default and on when the config or OTEL_* variables ask', () => {
    expect(tracingWanted({ enabled: false }, {})).toBe(false);
    expect(tracingWanted({ enabled: true }, {})).toBe(true);
    expect(tracingWanted({ enabled: false }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingWanted({ enabled: false }, { OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingWanted({ enabled: true }, { OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('continues the caller\'s trace: operation span under the incoming traceparent, one child per upstream request, traceparent sent on', async () => {
    exporter.reset();
    stack.clearUpstreamRequests();
    const answer = await stack.graphql(QUERY, {}, { headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` } });
    expect(answer.body.errors).toBeUndefined();
    const upstream = stack.upstreamRequests();
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID);

    const operation = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(operation).toHaveLength(1);
    const root = operation[0]!;
    expect(root.name).toBe('graphql.query Inventory');
    expect(root.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(root.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Inventory', 'backupgraph.tenant': 'acme' });

    const children = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(children).toHaveLength(upstream.length);
    for (const child of children) expect(child.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(children.map((span) => span.attributes['backupgraph.provider']).sort()).toEqual(upstream.map((r) => (r.vendor === 'zstack' ? 'zstack' : 'huawei-vbs')).sort());
    const volumes = children.find((span) => span.name === 'GET /zstack/v1/volumes');
    expect(volumes?.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.template': '/zstack/v1/volumes', 'http.response.status_code': 200 });

    // Each vendor got the trace context, in the span that made the call: a signed Huawei request too.
    const sent = [...stack.zstack!.server.requests(), ...stack.vbs!.server.requests()];
    expect(sent.length).toBe(upstream.length);
    for (const request of sent) expect(request.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  });

  it('marks a failed upstream call with its status and vendor code, and keeps every secret out of every span', async () => {
    exporter.reset();
    failNextVolumeListing(stack);
    const answer = await stack.graphql(QUERY);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', vendorCode: VENDOR_CODE });
    const spans = exporter.getFinishedSpans();
    const failed = spans.find((span) => span.kind === SpanKind.CLIENT && span.attributes['http.response.status_code'] === 503);
    expect(failed?.attributes).toMatchObject({ 'backupgraph.vendor_code': VENDOR_CODE, 'error.type': VENDOR_CODE });
    expect(spans.find((span) => span.kind === SpanKind.SERVER)?.attributes['backupgraph.error_codes']).toEqual(['UPSTREAM_ERROR']);

    const everything = JSON.stringify(spans.map(printable));
    for (const secret of [stack.apiKey, ZSTACK_PASSWORD, HUAWEI_KEYS.accessKey, HUAWEI_KEYS.secretKey, 'OAuth ', 'Signature=']) {
      expect(everything).not.toContain(secret);
    }
  });
});

function printable(span: ReadableSpan) {
  return { name: span.name, attributes: span.attributes, events: span.events, status: span.status };
}
