import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type GraphQLResponse, type Stack } from '../support/stack.js';

/**
 * Generated bad (and some good) input at every mutation and paged query: never a 5xx, never a
 * masked internal error, and input refused as invalid never costs an upstream request. Background
 * polling is slowed to a minute so that every upstream request seen belongs to the operation sent.
 */

const VALIDATION_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);

const MUTATIONS: Record<string, string> = {
  createVolumeBackup: 'CreateVolumeBackupInput',
  createVmBackup: 'CreateVmBackupInput',
  createVolumeSnapshot: 'CreateVolumeSnapshotInput',
  createDatabaseBackup: 'CreateDatabaseBackupInput',
  deleteBackup: 'DeleteBackupInput',
  deleteSnapshot: 'DeleteSnapshotInput',
  deleteVmBackup: 'DeleteVmBackupInput',
  syncVmBackup: 'SyncVmBackupInput',
};

const mutationDocument = (name: string) =>
  `mutation($input: ${MUTATIONS[name]}!) { ${name}(input: $input) { __typename ... on ValidationError { field rule } ... on Error { message } } }`;

const PAGED = [
  'query($first: Int, $after: String, $filter: BackupFilter) { backups(first: $first, after: $after, filter: $filter) { edges { node { id name } } pageInfo { endCursor } } }',
  'query($first: Int, $after: String, $provider: ID) { volumes(first: $first, after: $after, provider: $provider) { edges { node { id } } } }',
  'query($first: Int, $after: String, $provider: ID, $volumeId: ID) { snapshots(first: $first, after: $after, provider: $provider, volumeId: $volumeId) { edges { node { id } } } }',
  'query($first: Int, $after: String, $provider: ID) { backupGroups(first: $first, after: $after, provider: $provider) { edges { node { id } } } }',
  'query($first: Int, $after: String, $provider: ID) { databaseInstances(first: $first, after: $after, provider: $provider) { edges { node { id } } } }',
];

const base64 = (text: string) => Buffer.from(text).toString('base64url');

describe('generated bad input never breaks the gateway or reaches a vendor', () => {
  let stack: Stack;
  let realIds: string[];

  beforeAll(async () => {
    stack = await startStack({
      vbs: {},
      taurusDb: {},
      jobsPollIntervalMs: 60_000,
      extra: { watcher: { minIntervalMs: 60_000, maxIntervalMs: 600_000 } },
    });
    const listed = await stack.graphql(
      '{ volumes(first: 5) { edges { node { id } } } backupStorages { id } backups(first: 5) { edges { node { id } } } snapshots(first: 3) { edges { node { id } } } backupGroups(first: 3) { edges { node { id } } } databaseInstances(first: 3) { edges { node { id } } } providers { id } }',
    );
    realIds = [...JSON.stringify(listed.body.data).matchAll(/"id":"([^"]+)"/g)].map((match) => match[1]!);
  });
  afterAll(() => stack.close());

  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', ' ', 'x'.repeat(300), 'a\u0000b', 'evil\u202Etxt', 'two\nlines', 'k::v', 'autoNightly', '../../etc', '%00', '\u0085'),
  );
  const id = fc.oneof(
    fc.constantFrom(...['', 'x', 'not base64!']),
    fc.string({ maxLength: 30 }),
    fc.tuple(fc.constantFrom('Volume', 'Backup', 'Snapshot', 'BackupGroup', 'BackupStorage', 'DatabaseInstance', 'Provider', 'Job', 'Nope'), fc.constantFrom('acme/zs', 'acme/vbs', 'acme/tdb', 'other/zs', 'acme'), fc.string({ maxLength: 40 })).map(([type, provider, vendor]) => base64(`${type}:${provider}:${vendor}`)),
    fc.constant(null).map(() => realIds[0]!),
    fc.nat().map((n) => realIds[n % realIds.length]!),
  );
  const bandwidth = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1023, 1024, Number.MAX_SAFE_INTEGER, 2 ** 60), fc.double(), fc.string({ maxLength: 5 }));
  const cursor = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.json().map(base64),
    fc.record({ c: fc.oneof(text, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), p: text, i: text }).map((c) => base64(JSON.stringify(c))),
    fc.record({ p: text, o: fc.oneof(fc.integer(), fc.double()) }).map((c) => base64(JSON.stringify(c))),
  );
  const input = fc.record(
    {
      volumeId: id, rootVolumeId: id, backupStorageId: id, snapshotId: id, instanceId: id, id, groupId: id, imageStoreId: id,
      backupStorageIds: fc.array(id, { maxLength: 3 }),
      name: text, description: text, idempotencyKey: text, backupNetworkCidr: text,
      parallelism: fc.oneof(fc.integer(), fc.double()),
      mode: fc.constantFrom('ENFORCING', 'PERMISSIVE', 'NOPE'),
      bandwidth: fc.record({ volumeRead: bandwidth, volumeWrite: bandwidth, networkRead: bandwidth, networkWrite: bandwidth }, { requiredKeys: [] }),
      tags: fc.array(fc.record({ key: text, value: text }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );

  function expectSafe(response: GraphQLResponse<unknown>, upstream: number): void {
    expect(response.status).toBeLessThan(500);
    const errors = response.body.errors ?? [];
    for (const error of errors) {
      expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).not.toBe('Unexpected error.');
    }
    const refusedAsInvalid =
      response.status === 400 || errors.some((error) => VALIDATION_CODES.has(String(error.extensions?.code))) || JSON.stringify(response.body.data ?? {}).includes('"__typename":"ValidationError"');
    if (refusedAsInvalid) expect(upstream).toBe(0);
  }

  it('at every mutation: generated ids, names, descriptions, tags, bandwidths, and variables of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(MUTATIONS)), fc.oneof({ weight: 5, arbitrary: input }, { weight: 1, arbitrary: fc.anything() }), async (name, variablesInput) => {
        stack.clearUpstreamRequests();
        const response = await stack.graphql(mutationDocument(name), { input: variablesInput });
        expectSafe(response, stack.upstreamRequests().length);
      }),
      { numRuns: 200 },
    );
  }, 300_000);

  it('at every paged query: generated page sizes, cursors, filters and provider ids', async () => {
    const filter = fc.record(
      { providers: fc.array(id, { maxLength: 3 }), kinds: fc.array(fc.constantFrom('VOLUME', 'DATABASE', 'NOPE'), { maxLength: 2 }), statuses: fc.array(fc.constantFrom('AVAILABLE', 'FAILED', 'x'), { maxLength: 2 }), sourceId: id, nameContains: text, createdAfter: fc.oneof(text, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PAGED),
        fc.record({ first: fc.oneof(fc.integer({ min: -5, max: 150 }), fc.double(), fc.string({ maxLength: 3 })), after: cursor, provider: id, volumeId: id, filter: fc.oneof(filter, fc.anything()) }, { requiredKeys: [] }),
        async (query, variables) => {
          const used = Object.fromEntries(Object.entries(variables).filter(([name]) => query.includes(`$${name}:`)));
          stack.clearUpstreamRequests();
          const response = await stack.graphql(query, used);
          expectSafe(response, stack.upstreamRequests().length);
        },
      ),
      { numRuns: 200 },
    );
  }, 300_000);
});
