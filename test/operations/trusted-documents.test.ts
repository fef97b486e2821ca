import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryDocument } from '../../schema/client/graphql.js';
import { subscribe, wsClient, wsUrl, BACKUP_EVENTS } from '../live-status/live-clients.js';
import { startStack, type Stack } from '../support/stack.js';

const MANIFEST = 'schema/client/persisted-documents.json';
/** The hash codegen put on the document, as `sha256:<hex>`. */
const INVENTORY_HASH = (InventoryDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;

async function byHash(stack: Stack, hash: string) {
  const response = await fetch(stack.gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` },
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe.each([{ enforce: false }, { enforce: true }])('trusted documents from the codegen manifest (enforce: $enforce)', ({ enforce }) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ extra: { server: { port: 0, host: '127.0.0.1', persistedDocuments: { manifest: MANIFEST, enforce } } } });
  });
  afterAll(() => stack.close());

  it('runs a document sent by its hash, with or without the sha256: prefix', async () => {
    expect(INVENTORY_HASH).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const hash of [INVENTORY_HASH, INVENTORY_HASH.slice('sha256:'.length)]) {
      const answer = await byHash(stack, hash);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toHaveProperty('backupStorages');
    }
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND and calls no vendor', async () => {
    stack.clearUpstreamRequests();
    const unknown = createHash('sha256').update('{ volumes { edges { node { id } } } }').digest('hex');
    const answer = await byHash(stack, unknown);
    expect(answer.status).toBe(404);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(stack.upstreamRequests()).toHaveLength(0);
  });

  it(enforce ? 'refuses any other document, over HTTP and WebSocket, before a vendor is called' : 'still runs documents sent in full', async () => {
    stack.clearUpstreamRequests();
    const answer = await stack.graphql('{ volumes(first: 1) { edges { node { id } } } }');
    if (!enforce) {
      expect(answer.body.errors).toBeUndefined();
      return;
    }
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');

    const client = wsClient(wsUrl(stack), stack.apiKey);
    try {
      const live = subscribe(client, BACKUP_EVENTS);
      await live.ended.catch(() => undefined);
      expect(live.results).toHaveLength(0);
      await expect(live.ended).rejects.toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_ONLY' } })]);
    } finally {
      await client.dispose();
    }
    expect(stack.upstreamRequests()).toHaveLength(0);
  });
});
