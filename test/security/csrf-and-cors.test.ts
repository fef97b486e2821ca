import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/infrastructure/config.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';
import { startStack, type Stack } from '../support/stack.js';
import { zstackTargets } from './support.js';

describe('only JSON POSTs run operations; no other site may call the gateway or read its GraphiQL page', () => {
  let stack: Stack;
  let withCors: Gateway;
  let demo: Gateway;
  let mutation: string;
  const DEMO_KEY = 'bg_demo_key_that_must_stay_home';

  beforeAll(async () => {
    stack = await startStack();
    const { volumeId, storageId } = await zstackTargets(stack);
    mutation = `mutation { createVolumeBackup(input: { volumeId: "${volumeId}", backupStorageId: "${storageId}", name: "csrf" }) { __typename } }`;
    const logger = createLogger({ level: 'silent' });
    withCors = await createGateway(parseConfig({ ...stack.rawConfig, server: { port: 0, host: '127.0.0.1', cors: { origins: ['https://console.example'] } } }, stack.env), { logger });
    demo = await createGateway(parseConfig({ ...stack.rawConfig, server: { port: 0, host: '127.0.0.1', graphiql: true, console: true } }, stack.env), { logger, graphiqlApiKey: DEMO_KEY });
  });
  afterAll(async () => {
    await Promise.all([withCors.close(), demo.close()]);
    await stack.close();
  });

  const send = (contentType: string, body: BodyInit, url = stack.gateway.graphqlUrl, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${stack.apiKey}`, ...headers }, body });

  it('refuses mutations sent as form-urlencoded, multipart, application/graphql or text/plain with 415, sending nothing upstream', async () => {
    stack.clearUpstreamRequests();
    const form = new FormData();
    form.set('query', mutation);
    const responses = await Promise.all([
      send('application/x-www-form-urlencoded', new URLSearchParams({ query: mutation }).toString()),
      fetch(stack.gateway.graphqlUrl, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}` }, body: form }),
      send('application/graphql', mutation),
      send('text/plain', JSON.stringify({ query: mutation })),
    ]);
    expect(responses.map((r) => r.status)).toEqual([415, 415, 415, 415]);
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('sends no CORS headers by default, whatever the Origin', async () => {
    const response = await send('application/json', JSON.stringify({ query: '{ providers { name } }' }), stack.gateway.graphqlUrl, { origin: 'https://evil.example' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(stack.gateway.graphqlUrl, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the configured origins only, without credentials', async () => {
    const allowed = await send('application/json', JSON.stringify({ query: '{ providers { name } }' }), withCors.graphqlUrl, { origin: 'https://console.example' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await send('application/json', JSON.stringify({ query: '{ providers { name } }' }), withCors.graphqlUrl, { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  it('serves the demo GraphiQL page (with its key) to its own origin only', async () => {
    const own = await fetch(demo.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(own.status).toBe(200);
    expect(own.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(await own.text()).toContain(DEMO_KEY);
    const framed = { 'sec-fetch-dest': 'iframe', 'sec-fetch-site': 'cross-site' };
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }, framed] as Record<string, string>[]) {
      const foreign = await fetch(demo.graphqlUrl, { headers: { accept: 'text/html', ...headers } });
      expect(foreign.status).toBe(403);
      expect(await foreign.text()).not.toContain(DEMO_KEY);
    }
  });

  it('serves the console and GraphiQL pages under a CSP without inline scripts, unframeable, and the demo ones not into another site', async () => {
    for (const url of [`${demo.url}/console`, demo.graphqlUrl]) {
      const own = await fetch(url, { headers: { accept: 'text/html' } });
      expect(own.status).toBe(200);
      const csp = own.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(own.headers.get('x-frame-options')).toBe('DENY');
      expect(own.headers.get('x-content-type-options')).toBe('nosniff');
      expect(own.headers.get('referrer-policy')).toBe('no-referrer');
      expect(own.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      // Inline scripts would not run under that policy: the pages have none.
      for (const tag of (await own.text()).match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/ src="|type="application\/json"/);

      const framed = await fetch(url, { headers: { accept: 'text/html', 'sec-fetch-dest': 'iframe', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } });
      expect(framed.status).toBe(403);
      expect(await framed.text()).not.toContain(DEMO_KEY);
    }
  });
});
