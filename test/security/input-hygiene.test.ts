import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { CREATE_VOLUME_BACKUP, zstackTargets } from './support.js';

const CREATE_DATABASE_BACKUP = /* GraphQL */ `
  mutation($input: CreateDatabaseBackupInput!) {
    createDatabaseBackup(input: $input) { __typename ... on ValidationError { field rule } }
  }
`;

type Created = { createVolumeBackup?: { __typename: string; field?: string; rule?: string }; createDatabaseBackup?: { __typename: string; field?: string; rule?: string } };

describe('names, descriptions, tags and filters with control, format or direction characters, lone surrogates or past their caps never reach a vendor', () => {
  let stack: Stack;
  let zs: Awaited<ReturnType<typeof zstackTargets>>;
  let vbsVolumeId: string;
  let instanceId: string;

  beforeAll(async () => {
    stack = await startStack({ vbs: {}, taurusDb: {} });
    zs = await zstackTargets(stack);
    const found = await stack.graphql<{ volumes: { edges: { node: { id: string; provider: { kind: string } } }[] }; databaseInstances: { edges: { node: { id: string } }[] } }>(
      '{ volumes(first: 100) { edges { node { id provider { kind } } } } databaseInstances(first: 1) { edges { node { id } } } }',
    );
    vbsVolumeId = found.body.data!.volumes.edges.find((e) => e.node.provider.kind === 'HUAWEI_VBS')!.node.id;
    instanceId = found.body.data!.databaseInstances.edges[0]!.node.id;
  });
  afterAll(() => stack.close());

  const refusals: [string, Record<string, unknown>, string][] = [
    ['a ZStack name with NUL', { name: 'night\u0000ly' }, 'name'],
    ['a ZStack name with U+202E', { name: 'backup\u202Etxt.exe' }, 'name'],
    ['a ZStack name with a newline', { name: 'a\nb' }, 'name'],
    ['a ZStack tag smuggling a system tag', { name: 'tagged', tags: [{ key: 'k', value: 'v::x\u0000\nsystemTag::evil' }] }, 'tags[0].value'],
    ['a ZStack tag value with ::', { name: 'tagged', tags: [{ key: 'k', value: 'v::x' }] }, 'tags[0].value'],
    // Format characters (Cf) make two names look alike; a lone surrogate is half a character.
    ['a ZStack name with a zero-width space', { name: 'night\u200Bly' }, 'name'],
    ['a ZStack name with a zero-width joiner', { name: 'night\u200Dly' }, 'name'],
    ['a ZStack name with a BOM', { name: '\uFEFFnightly' }, 'name'],
    ['a ZStack name with a word joiner', { name: 'night\u2060ly' }, 'name'],
    ['a ZStack name with a tag character', { name: 'nightly\u{E0041}' }, 'name'],
    ['a ZStack name with U+180E', { name: 'night\u180Ely' }, 'name'],
    ['a ZStack name with a lone surrogate', { name: 'night\uD800ly' }, 'name'],
    ['a ZStack tag key with a zero-width space', { name: 'tagged', tags: [{ key: 'k\u200B', value: 'v' }] }, 'tags[0].key'],
    ['2,000 tags', { name: 'tagged', tags: Array.from({ length: 2_000 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }, 'tags'],
    ['21 tags', { name: 'tagged', tags: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }, 'tags'],
    ['a 257-character tag value', { name: 'tagged', tags: [{ key: 'k', value: 'v'.repeat(257) }] }, 'tags[0].value'],
    ['a 129-character idempotencyKey', { name: 'keyed', idempotencyKey: 'k'.repeat(129) }, 'idempotencyKey'],
    ['a 900 kB idempotencyKey', { name: 'keyed', idempotencyKey: 'k'.repeat(900_000) }, 'idempotencyKey'],
  ];

  it.each(refusals)('refuses %s with ValidationError and no upstream request', async (_what, fields, field) => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql<Created>(CREATE_VOLUME_BACKUP, { input: { volumeId: zs.volumeId, backupStorageId: zs.storageId, ...fields } });
    expect(response.body.data?.createVolumeBackup).toMatchObject({ __typename: 'ValidationError', field });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses a long idempotencyKey written as a literal too, and 11 tags on VBS (its limit is 10)', async () => {
    stack.clearUpstreamRequests();
    const literal = await stack.graphql<Created>(
      `mutation { createVolumeBackup(input: { volumeId: "${zs.volumeId}", backupStorageId: "${zs.storageId}", name: "lit", idempotencyKey: "${'k'.repeat(200)}" }) { __typename ... on ValidationError { field rule } } }`,
    );
    expect(literal.body.data?.createVolumeBackup).toEqual({ __typename: 'ValidationError', field: 'idempotencyKey', rule: 'maxLength' });
    const vbs = await stack.graphql<Created>(CREATE_VOLUME_BACKUP, {
      input: { volumeId: vbsVolumeId, name: 'vbs-tags', tags: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
    });
    expect(vbs.body.data?.createVolumeBackup).toMatchObject({ __typename: 'ValidationError', field: 'tags', rule: 'maxItems' });
    expect(stack.upstreamRequests().filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('refuses a VBS description with NUL or a bidi override, and a TaurusDB one with NUL', async () => {
    stack.clearUpstreamRequests();
    for (const description of ['dis\u0000k', 'disk \u2066x\u2069']) {
      const vbs = await stack.graphql<Created>(CREATE_VOLUME_BACKUP, { input: { volumeId: vbsVolumeId, name: 'vbs-ok', description } });
      expect(vbs.body.data?.createVolumeBackup).toEqual({ __typename: 'ValidationError', field: 'description', rule: 'no-control-characters', message: expect.any(String) });
    }
    const tdb = await stack.graphql<Created>(CREATE_DATABASE_BACKUP, { input: { instanceId, name: 'tdb-ok', description: 'db\u0000' } });
    expect(tdb.body.data?.createDatabaseBackup).toEqual({ __typename: 'ValidationError', field: 'description', rule: 'no-control-characters' });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses a filter string that is too long (and a 1 MB one at the door) or holds control characters, unsent', async () => {
    stack.clearUpstreamRequests();
    const query = 'query($s: String) { backups(filter: { nameContains: $s }) { edges { node { id } } } }';
    for (const s of ['x'.repeat(129), 'a\u0000b', 'x\u202E']) {
      const response = await stack.graphql(query, { s });
      expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter.nameContains' });
    }
    const huge = await stack.graphql(query, { s: 'x'.repeat(1024 * 1024) }).catch(() => null);
    expect(huge?.status ?? 413).toBe(413);
    expect(stack.upstreamRequests()).toEqual([]);
  });

  // Last: the job it starts is polled afterwards, which the tests above would count.
  it('takes a 128-character idempotencyKey and 20 tags', async () => {
    const response = await stack.graphql<Created>(CREATE_VOLUME_BACKUP, {
      input: { volumeId: zs.volumeId, backupStorageId: zs.storageId, name: 'at-the-caps', idempotencyKey: 'k'.repeat(128), tags: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
    });
    expect(response.body.data?.createVolumeBackup?.__typename).toBe('CreateVolumeBackupSuccess');
  });
});
