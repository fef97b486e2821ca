import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CreateVolumeBackupDocument } from '../../schema/client/graphql.js';
import { startStack, type Stack } from '../support/stack.js';

const VOLUMES = '{ volumes(first: 2) { edges { node { id name } } } backupStorages { id } }';

describe('API keys bind every request to one tenant', () => {
  let stack: Stack;
  let acme: { volumeId: string; storageId: string };

  beforeAll(async () => {
    stack = await startStack({ otherTenant: true });
    const response = await stack.graphql<{ volumes: { edges: { node: { id: string } }[] }; backupStorages: { id: string }[] }>(VOLUMES);
    acme = { volumeId: response.body.data!.volumes.edges[0]!.node.id, storageId: response.body.data!.backupStorages[0]!.id };
  });
  afterAll(() => stack.close());

  it('answers 401 with no data to a request without a key, and calls no vendor', async () => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql(VOLUMES, undefined, { apiKey: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('answers 401 to a wrong key', async () => {
    const response = await stack.graphql(VOLUMES, undefined, { apiKey: 'key-nobody' });
    expect(response.status).toBe(401);
  });

  it('closes a WebSocket whose connectionParams carry no valid key with the graphql-ws forbidden code', async () => {
    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: stack.gateway.graphqlUrl.replace('http', 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: 'Bearer key-nobody' },
        retryAttempts: 0,
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      client.subscribe({ query: '{ providers { name } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    });
    expect(await closed).toBe(4403);
  });

  it('serves a query over WebSocket with the key in connectionParams', async () => {
    const client = createClient({
      url: stack.gateway.graphqlUrl.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${stack.apiKey}` },
      retryAttempts: 0,
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) =>
        client.subscribe({ query: '{ providers { name } }' }, { next: resolve, error: reject, complete: () => {} }),
      );
      expect(result).toEqual({ data: { providers: [{ name: 'zs' }] }, extensions: { cost: { requested: 0, actual: 0 } } });
    } finally {
      await client.dispose();
    }
  });

  it("gives another tenant's id the answer an unknown id gets, even for the same vendor resource", async () => {
    const asGlobex = await stack.graphql<{ node: unknown; nodes: unknown[] }>(
      'query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }',
      { id: acme.volumeId },
      { apiKey: 'key-globex' },
    );
    expect(asGlobex.body.errors).toBeUndefined();
    expect(asGlobex.body.data).toEqual({ node: null, nodes: [null] });

    const asAcme = await stack.graphql<{ node: { id: string } }>('query($id: ID!) { node(id: $id) { id } }', { id: acme.volumeId });
    expect(asAcme.body.data?.node.id).toBe(acme.volumeId);

    const globexVolumes = await stack.graphql<{ volumes: { edges: { node: { id: string; name: string } }[] } }>(VOLUMES, undefined, {
      apiKey: 'key-globex',
    });
    const [first] = globexVolumes.body.data!.volumes.edges;
    expect(first!.node.name).toBeTruthy();
    expect(first!.node.id).not.toBe(acme.volumeId);
  });

  it("refuses a mutation on another tenant's volume with NotFoundError and sends nothing upstream", async () => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql(
      CreateVolumeBackupDocument,
      { input: { volumeId: acme.volumeId, backupStorageId: acme.storageId, name: 'not-yours' } },
      { apiKey: 'key-globex' },
    );
    expect(response.body.data?.createVolumeBackup).toMatchObject({ __typename: 'NotFoundError', id: acme.volumeId });
    expect(stack.upstreamRequests()).toEqual([]);
    expect([...stack.zstack!.state.volumeBackups.values()].some((b) => b.name === 'not-yours')).toBe(false);
  });
});
