import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardDocument } from '../../schema/client/graphql.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startStack, type Stack } from '../support/stack.js';

describe('a dashboard query costs one upstream request per kind of data, whatever its size', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    const zstack = stack.zstack!;
    const volumeUuid = DEMO.vmDbData;
    const storages = [...zstack.state.backupStorages.keys()];
    // 60 backups newer than the demo seed's, a second apart, on both image stores; the page of 50 ends among them.
    zstack.state.addVolumeBackups(60, { volumeUuid, backupStorageUuids: storages, groupUuid: DEMO.vmDbBackupGroup });
    // Warm the session so that the count below is about the query alone.
    await stack.graphql('{ providers { healthy } }');
  });
  afterAll(() => stack.close());

  it('loads 50 backups with their volume, storages and group in exactly 3 requests, and no login', async () => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql(DashboardDocument, { first: 50 });

    expect(response.body.errors).toBeUndefined();
    const edges = response.body.data!.backups.edges;
    expect(edges).toHaveLength(50);
    expect(edges.every((e) => e.node!.volume?.name && e.node!.storageRefs.every((r) => r.backupStorage.name))).toBe(true);
    expect(edges.filter((e) => e.node!.group?.id)).not.toHaveLength(0);

    const requests = stack.upstreamRequests().map((r) => `${r.method} ${r.path}`);
    expect(requests.sort()).toEqual(['GET /zstack/v1/backup-storage', 'GET /zstack/v1/volume-backups', 'GET /zstack/v1/volumes'].sort());
  });

  it('asks for referenced ids in one uuid?= condition per kind', async () => {
    stack.clearUpstreamRequests();
    await stack.graphql(DashboardDocument, { first: 50 });
    const volumeQuery = stack.upstreamRequests().find((r) => r.path === '/zstack/v1/volumes')!;
    expect(volumeQuery.query.getAll('q')).toEqual([expect.stringMatching(/^uuid\?=[0-9a-f]{32}$/)]);
  });
});
