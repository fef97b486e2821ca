import { afterEach, describe, expect, it } from 'vitest';
import { DashboardDocument } from '../../schema/client/graphql.js';
import { startStack, type Stack } from '../support/stack.js';
import { TENANT } from '../cross-vendor/three-vendors.js';

/** `METHOD path` of each CBR request, sorted, with the project id elided. */
function cbrCalls(stack: Stack): string[] {
  return stack
    .upstreamRequests()
    .filter((r) => r.vendor === 'cbr')
    .map((r) => `${r.method} ${r.path.replace(/\/[0-9a-f]{32}\//, '/{project}/').replace(/[0-9a-f-]{36}/, '{id}')}`)
    .sort();
}

describe('a dashboard with CBR rows costs a fixed number of CBR requests', () => {
  let stack: Stack;
  afterEach(() => stack.close());

  it('one backup listing, one protectables page and one vault listing, server-backup children included', async () => {
    stack = await startStack({ tenant: TENANT, zstack: false, cbr: {} });
    stack.clearUpstreamRequests();
    const response = await stack.graphql(DashboardDocument, { first: 50 });
    expect(response.body.errors).toBeUndefined();
    const nodes = response.body.data!.backups.edges.map((e) => e.node!);
    expect(nodes).toHaveLength(10);
    expect(nodes.every((n) => n.provider.kind === 'HUAWEI_CBR' && n.volume?.name && n.storageRefs[0]?.backupStorage.name)).toBe(true);
    expect(nodes.filter((n) => n.group !== null)).toHaveLength(4);
    expect(cbrCalls(stack)).toEqual([
      'GET /v3/{project}/backups',
      'GET /v3/{project}/protectables/disk/instances',
      'GET /v3/{project}/vaults',
    ]);
  });
});
