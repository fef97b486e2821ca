import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

describe('GraphQL over HTTP: the graphql-http server audits against the running gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  // The audits send their own requests; each carries the tenant's key, as every real client must.
  const authorizedFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${stack.apiKey}`);
    return fetch(input, { ...init, headers });
  };

  for (const audit of serverAudits({ url: () => stack.gateway.graphqlUrl, fetchFn: authorizedFetch })) {
    it(audit.name, async () => {
      const result = await audit.fn();
      // A failed MUST is an error; SHOULD and MAY failures show as warn/notice and are reported, not fatal.
      if (result.status === 'error') throw new Error(`${result.reason}\n${JSON.stringify(result.response ?? {}).slice(0, 500)}`);
      expect(['ok', 'warn', 'notice']).toContain(result.status);
    });
  }

  it('passes every MUST and SHOULD audit', async () => {
    const results = await Promise.all(serverAudits({ url: stack.gateway.graphqlUrl, fetchFn: authorizedFetch }).map((a) => a.fn()));
    const failing = results.filter((r) => r.status === 'error' || r.status === 'warn').map((r) => r.name);
    expect(failing).toEqual([]);
  });
});
