import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/infrastructure/config.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';
import { REDIS_URL, removeKeys, testPrefix } from '../live-status/redis-support.js';
import { startStack, type Stack } from '../support/stack.js';
import { CREATE_VOLUME_BACKUP, zstackTargets } from './support.js';

const COSTLY = '{ volumes(first: 20) { edges { node { backups(first: 2) { edges { node { id } } } } } } }'; // 1 + 20 × 2 = 41

async function post(url: string, apiKey: string, query: string, variables?: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] } };
}

const creates = (stack: Stack) => stack.upstreamRequests().filter((r) => r.method === 'POST' && r.path.endsWith('/volume-backups')).length;

describe('each API key is held to so many mutations and so much query cost a second', () => {
  let stack: Stack;
  let targets: Awaited<ReturnType<typeof zstackTargets>>;

  beforeAll(async () => {
    stack = await startStack({ extra: { rateLimits: { mutationsPerSecond: 2, costPerSecond: 100 } } });
    targets = await zstackTargets(stack);
  });
  afterAll(() => stack.close());

  it('refuses the mutation over the limit with RATE_LIMITED and retryAfterMs, and sends it nowhere', async () => {
    stack.clearUpstreamRequests();
    const input = (name: string) => ({ input: { volumeId: targets.volumeId, backupStorageId: targets.storageId, name } });
    const results = await Promise.all(['r1', 'r2', 'r3'].map((name) => post(stack.gateway.graphqlUrl, stack.apiKey, CREATE_VOLUME_BACKUP, input(name))));
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]!.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    expect(Number(limited[0]!.body.errors?.[0]?.extensions?.retryAfterMs)).toBeGreaterThan(0);
    expect(limited[0]!.retryAfter).toMatch(/^\d+$/);
    expect(creates(stack)).toBe(2);
  });

  it('refuses the query whose cost goes over the per-second budget, before any vendor request', async () => {
    const results = await Promise.all([1, 2, 3].map(() => post(stack.gateway.graphqlUrl, stack.apiKey, COSTLY)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429]);
  });
});

describe('with Redis, the limits hold across replicas', () => {
  let stack: Stack;
  let second: Gateway;
  const prefix = testPrefix();

  beforeAll(async () => {
    stack = await startStack({ extra: { redis: { url: REDIS_URL, keyPrefix: prefix }, rateLimits: { mutationsPerSecond: 100, costPerSecond: 100 } } });
    second = await createGateway(parseConfig(stack.rawConfig, stack.env), { logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await second.close();
    await stack.close();
    await removeKeys(prefix);
  });

  it('counts the cost spent on one replica against the same key on the other', async () => {
    const results = await Promise.all([stack.gateway.graphqlUrl, second.graphqlUrl, stack.gateway.graphqlUrl].map((url) => post(url, stack.apiKey, COSTLY)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429]);
  });
});
