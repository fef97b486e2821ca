import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe, wsClient, wsUrl, BACKUP_EVENTS } from '../live-status/live-clients.js';
import { startStack, type Stack } from '../support/stack.js';
import { CREATE_VOLUME_BACKUP, DELETE_BACKUP, everythingSaid, zstackTargets } from './support.js';

describe('each API key does only what its scopes allow', () => {
  let stack: Stack;
  let targets: Awaited<ReturnType<typeof zstackTargets>>;

  beforeAll(async () => {
    stack = await startStack({
      keys: [
        { key: 'key-reader', label: 'dashboard', scopes: ['read'] },
        { key: 'key-backup', label: 'scheduler', scopes: ['backup'] },
        { key: 'key-deleter', label: 'janitor', scopes: ['read', 'delete'] },
      ],
    });
    targets = await zstackTargets(stack);
  });
  afterAll(() => stack.close());

  const create = (apiKey: string) =>
    stack.graphql(CREATE_VOLUME_BACKUP, { input: { volumeId: targets.volumeId, backupStorageId: targets.storageId, name: 'scoped' } }, { apiKey });

  it('refuses a mutation to a key without its scope with FORBIDDEN and requiredScope, before any vendor call', async () => {
    stack.clearUpstreamRequests();
    const asReader = await create('key-reader');
    expect(asReader.status).toBe(403);
    expect(asReader.body.data ?? null).toBeNull();
    expect(asReader.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN', requiredScope: 'backup' } })]);

    const deleteAsScheduler = await stack.graphql(DELETE_BACKUP, { id: targets.backupId }, { apiKey: 'key-backup' });
    expect(deleteAsScheduler.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', requiredScope: 'delete' });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('tells each key its label and scopes in viewer, as a literal query and by variables-free operation name, asking no vendor', async () => {
    stack.clearUpstreamRequests();
    const reader = await stack.graphql('{ viewer { label scopes } }', undefined, { apiKey: 'key-reader' });
    expect(reader.body).toMatchObject({ data: { viewer: { label: 'dashboard', scopes: ['READ'] } } });
    const deleter = await stack.graphql('query Viewer { viewer { scopes label } }', undefined, { apiKey: 'key-deleter' });
    expect(deleter.body).toMatchObject({ data: { viewer: { scopes: ['READ', 'DELETE'], label: 'janitor' } } });
    const everything = await stack.graphql('{ viewer { scopes } }');
    expect(everything.body.data).toEqual({ viewer: { scopes: ['READ', 'BACKUP', 'RESTORE', 'DELETE', 'POLICY'] } });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses a query to a key without read, and lets a key with read query', async () => {
    stack.clearUpstreamRequests();
    const asScheduler = await stack.graphql('{ volumes { edges { node { id } } } }', undefined, { apiKey: 'key-backup' });
    expect(asScheduler.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', requiredScope: 'read' });
    expect(stack.upstreamRequests()).toEqual([]);
    const asReader = await stack.graphql<{ providers: unknown[] }>('{ providers { name } }', undefined, { apiKey: 'key-reader' });
    expect(asReader.body.data?.providers).toHaveLength(1);
  });

  it('refuses the same over SSE', async () => {
    stack.clearUpstreamRequests();
    const response = await fetch(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer key-reader' },
      body: JSON.stringify({ query: CREATE_VOLUME_BACKUP, variables: { input: { volumeId: targets.volumeId, backupStorageId: targets.storageId, name: 'sse' } } }),
    });
    const text = await response.text();
    expect(text).toContain('"code":"FORBIDDEN"');
    expect(text).toContain('"requiredScope":"backup"');
    const subscription = await fetch(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer key-backup' },
      body: JSON.stringify({ query: BACKUP_EVENTS }),
    });
    expect(await subscription.text()).toContain('"code":"FORBIDDEN","requiredScope":"read"');
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses the same over WebSocket: a subscription without read, a mutation without its scope', async () => {
    stack.clearUpstreamRequests();
    const client = wsClient(wsUrl(stack), 'key-backup');
    try {
      const live = subscribe(client, BACKUP_EVENTS, {});
      expect(await everythingSaid(live)).toContain('"code":"FORBIDDEN","requiredScope":"read"');
      const deletion = subscribe(client, DELETE_BACKUP, { id: targets.backupId });
      expect(await everythingSaid(deletion)).toContain('"code":"FORBIDDEN","requiredScope":"delete"');
    } finally {
      await client.dispose();
    }
    expect(stack.upstreamRequests()).toEqual([]);
  });
  it('lets a key with the scope run the mutation, and a key with no scopes (all four) too', async () => {
    const asScheduler = await create('key-backup');
    expect(asScheduler.body.data).toEqual({ createVolumeBackup: expect.objectContaining({ __typename: 'CreateVolumeBackupSuccess' }) });
    const unscoped = await create(stack.apiKey);
    expect(unscoped.body.data).toEqual({ createVolumeBackup: expect.objectContaining({ __typename: 'CreateVolumeBackupSuccess' }) });
  });
});
