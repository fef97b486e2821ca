import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('with introspection off, the schema is not disclosed; bad cursors are the client’s error', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      keys: [{ key: 'key-router', label: 'router', federationRouter: true }],
      extra: { server: { port: 0, host: '127.0.0.1', introspection: false } },
    });
  });
  afterAll(() => stack.close());

  it('hides __schema, _service and _entities from ordinary keys', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ _service { sdl } }', '{ _entities(representations: [{ __typename: "Volume", id: "x" }]) { __typename } }']) {
      const response = await stack.graphql(query);
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(response.body)).not.toContain('type Query');
    }
  });

  it('suggests no enum value, field, argument or type, whether the mistake is a literal, a variable or nested in an input', async () => {
    const mistakes: [string, Record<string, unknown>?][] = [
      ['{ backups(first: 1, filter: { statuses: [AVAILABL] }) { edges { node { id } } } }'],
      ['query($s: [BackupStatus!]) { backups(first: 1, filter: { statuses: $s }) { edges { node { id } } } }', { s: ['AVAILABL'] }],
      ['query($f: BackupFilter) { backups(first: 1, filter: $f) { edges { node { id } } } }', { f: { statuses: ['AVAILABL'] } }],
      ['query($f: BackupFilter) { backups(first: 1, filter: $f) { edges { node { id } } } }', { f: { statusez: ['AVAILABLE'] } }],
      ['{ backups(first: 1, filter: { statusez: [AVAILABLE] }) { edges { node { id } } } }'],
      ['{ backups(firts: 1) { edges { node { id } } } }'],
      ['{ backupz(first: 1) { edges { node { id } } } }'],
      ['query($f: BackupFiltr) { backups(first: 1, filter: $f) { edges { node { id } } } }', { f: {} }],
    ];
    for (const [query, variables] of mistakes) {
      const response = await stack.graphql(query, variables);
      expect(response.body.errors?.length).toBeGreaterThan(0);
      const text = JSON.stringify(response.body);
      expect(text).not.toContain('Did you mean');
      expect(text).not.toMatch(/AVAILABLE"\?|"statuses"|"first"|"backups"|"BackupFilter"/);
    }
  });

  it('answers _service to the federation router’s key', async () => {
    const response = await stack.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', undefined, { apiKey: 'key-router' });
    expect(response.body.data?._service.sdl).toContain('type Query');
  });

  it('answers hand-made cursors with an impossible date or shape with BAD_USER_INPUT, never an internal error', async () => {
    stack.clearUpstreamRequests();
    for (const after of [cursor({ c: '2026-13-45T99:99:99Z', p: 'acme/zs', i: 'x' }), cursor({ c: 'yesterday', p: 'acme/zs', i: 'x' }), cursor({ c: 1 }), 'not-base64!']) {
      const response = await stack.graphql('query($after: String) { backups(after: $after) { edges { node { id } } } }', { after });
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(stack.upstreamRequests()).toEqual([]);
  });
});
