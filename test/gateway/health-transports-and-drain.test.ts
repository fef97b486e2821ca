import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const VOLUME_NAMES = '{ volumes(first: 3) { edges { node { name } } } }';

describe('the gateway serves health, plain HTTP and SSE, and drains before it stops', () => {
  let stack: Stack;
  let closedByTest = false;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    if (closedByTest) await Promise.all([stack.zstack?.close()]);
    else await stack.close();
  });

  it('answers /healthz and /readyz without a key', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${stack.gateway.url}${path}`);
      expect(response.status).toBe(200);
    }
  });

  it('has no GraphiQL unless configured: a browser asking for the page without a key gets a 401', async () => {
    const response = await fetch(stack.gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('<title>');
  });

  it('answers a query over SSE (Accept: text/event-stream) with a next and a complete event', async () => {
    const response = await fetch(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${stack.apiKey}` },
      body: JSON.stringify({ query: VOLUME_NAMES }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toMatch(/event: next\ndata: \{"data":\{"volumes"/);
    expect(text).toContain('event: complete');
  });

  it('finishes a request in flight when asked to stop, and refuses new ones after', async () => {
    const zstack = stack.zstack!;
    zstack.server.injectFault({ method: 'GET', pathIncludes: '/v1/volumes', times: 1, fault: { type: 'latency', ms: 300 } });
    const arrived = new Promise<void>((resolve) => {
      const stop = zstack.server.onArrival((method, path) => {
        if (method === 'GET' && path.endsWith('/v1/volumes')) {
          stop();
          resolve();
        }
      });
    });
    const inFlight = stack.graphql<{ volumes: { edges: unknown[] } }>(VOLUME_NAMES);
    await arrived;

    closedByTest = true;
    const stopping = stack.gateway.close();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.data?.volumes.edges).toHaveLength(3);
    await stopping;
    await expect(fetch(`${stack.gateway.url}/healthz`)).rejects.toThrow();
  });
});
