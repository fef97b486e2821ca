import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInterfaceType, isUnionType } from 'graphql';
import { schema } from '../../src/schema/index.js';
import type { Stack } from '../support/stack.js';
import { awaitJobEnd, idOf, startThreeVendorStack } from './three-vendors.js';

/**
 * Every Node type the schema declares, loaded by its id on every vendor of the demo stack (ZStack,
 * VBS, TaurusDB and CBR): each must resolve, and the requests the simulators saw must stay within
 * the operation's price, which is also its budget (a ZStack policy by id once answered null with
 * COST_LIMIT: `node` was priced at one request, the policy read takes four). The types come from
 * the schema, so a new Node type fails here until the demo holds one or it is exempted below.
 */

/** Node types the demo stack holds no instance of, each with why. */
const EXEMPT: Record<string, string> = {};

interface Found {
  typename: string;
  id: string;
  provider: string;
}

const SELECT = '__typename id provider { name }';
const connection = (field: string) => `{ ${field}(first: 100) { edges { node { ${SELECT} } } } }`;

/** How to list each type's ids through the schema; Job ids come from the backups started in beforeAll. */
const LISTINGS: Record<string, string> = {
  Provider: '{ providers { __typename id name } }',
  Volume: connection('volumes'),
  Snapshot: connection('snapshots'),
  Backup: connection('backups'),
  BackupGroup: connection('backupGroups'),
  BackupStorage: `{ backupStorages { ${SELECT} } }`,
  DatabaseInstance: connection('databaseInstances'),
  BackupPolicy: connection('backupPolicies'),
};

const nodeTypes = () => {
  const node = schema.getType('Node');
  if (!isInterfaceType(node)) throw new Error('the schema has no Node interface');
  return schema.getPossibleTypes(node).map((type) => type.name).sort();
};

describe('node, nodes and _entities load every node type of every vendor within the price they were given', () => {
  let stack: Stack;
  const found: Found[] = [];

  async function ok<T>(query: string, variables?: Record<string, unknown>) {
    const response = await stack.graphql<T>(query, variables);
    expect(response.body.errors, query).toBeUndefined();
    return response.body.data!;
  }

  beforeAll(async () => {
    stack = await startThreeVendorStack({ cbr: {} });
    for (const [typename, query] of Object.entries(LISTINGS)) {
      const data = await ok<Record<string, unknown>>(query);
      const rows = Object.values(data)[0] as { edges?: { node: unknown }[] } | unknown[];
      const nodes = (Array.isArray(rows) ? rows : rows.edges!.map((edge) => edge.node)) as { __typename: string; id: string; name?: string; provider?: { name: string } }[];
      for (const node of nodes) found.push({ typename, id: node.id, provider: node.provider?.name ?? node.name! });
    }
    found.push(...(await startedJobs()));
  });
  afterAll(() => stack.close());

  /** A backup on each vendor, followed to its end so that no poll of it runs beside the loads measured below. */
  async function startedJobs(): Promise<Found[]> {
    const volumeOf = (provider: string) => found.find((f) => f.typename === 'Volume' && f.provider === provider)!.id;
    const storage = found.find((f) => f.typename === 'BackupStorage' && f.provider === 'zs')!.id;
    const cbrDisk = [...stack.cbr!.state.vaults.values()].find((v) => v.object_type === 'disk')!.resources[0]!.id;
    const creates = [
      { provider: 'zs', input: { volumeId: volumeOf('zs'), backupStorageId: storage, name: 'by-id' } },
      { provider: 'vbs', input: { volumeId: volumeOf('vbs'), name: 'by-id' } },
      { provider: 'cbr', input: { volumeId: idOf('Volume', 'cbr', cbrDisk), name: 'by-id' } },
    ];
    const jobs: Found[] = [];
    const jobOf = async (query: string, input: object, provider: string) => {
      const data = await ok<Record<string, { __typename: string; job?: { id: string } }>>(query, { input });
      const payload = Object.values(data)[0]!;
      expect(payload.__typename, `${provider}: ${JSON.stringify(payload)}`).toMatch(/Success$/);
      await awaitJobEnd(stack, payload.job!.id);
      jobs.push({ typename: 'Job', id: payload.job!.id, provider });
    };
    for (const { provider, input } of creates) {
      await jobOf('mutation($input: CreateVolumeBackupInput!) { createVolumeBackup(input: $input) { __typename ... on CreateVolumeBackupSuccess { job { id } } } }', input, provider);
    }
    const instance = found.find((f) => f.typename === 'DatabaseInstance' && f.provider === 'tdb')!.id;
    await jobOf('mutation($input: CreateDatabaseBackupInput!) { createDatabaseBackup(input: $input) { __typename ... on CreateDatabaseBackupSuccess { job { id } } } }', { instanceId: instance, name: 'by-id' }, 'tdb');
    return jobs;
  }

  /** Two of each type per vendor: loading more of the same kind shows nothing new. */
  const samples = () => byTypeAndVendor(found).flatMap((same) => same.slice(0, 2));

  /** Runs the operation alone and checks it resolved and sent no more requests than it was priced at. */
  async function withinItsPrice<T>(label: string, query: string, variables?: Record<string, unknown>): Promise<T> {
    stack.clearUpstreamRequests();
    const response = await stack.graphql<T>(query, variables);
    const sent = stack.upstreamRequests().map((r) => `${r.vendor} ${r.method} ${r.path}`);
    const cost = (response.body as { extensions?: { cost: { requested: number; actual: number } } }).extensions!.cost;
    expect(response.body.errors, `${label}: ${JSON.stringify(response.body.errors)} ${JSON.stringify(cost)}`).toBeUndefined();
    expect(sent.length, `${label}: priced at ${cost.requested}, sent ${sent.join(', ')}`).toBeLessThanOrEqual(cost.requested);
    expect(cost.actual, label).toBeLessThanOrEqual(cost.requested);
    return response.body.data!;
  }

  it('the demo holds an instance of every Node type the schema declares, or the type is exempted with a reason', () => {
    const held = new Set(found.map((f) => f.typename));
    const missing = nodeTypes().filter((type) => !held.has(type) && !EXEMPT[type]);
    expect(missing, `Node types with no instance on the demo stack (list their ids in LISTINGS, or exempt them with a reason): ${missing.join(', ')}`).toEqual([]);
    expect(Object.keys(EXEMPT).filter((type) => held.has(type)), 'exempted types the demo does hold').toEqual([]);
  });

  it('node(id) answers each, the id written in the operation and passed as a variable', async () => {
    for (const { typename, id, provider } of samples()) {
      const label = `${typename} of ${provider}`;
      const literal = await withinItsPrice<{ node: { __typename: string; id: string } | null }>(`${label}, literal`, `{ node(id: ${JSON.stringify(id)}) { __typename id } }`);
      expect(literal.node, label).toEqual({ __typename: typename, id });
      const variable = await withinItsPrice<{ node: { __typename: string; id: string } | null }>(`${label}, variable`, 'query($id: ID!) { node(id: $id) { __typename id } }', { id });
      expect(variable.node, label).toEqual({ __typename: typename, id });
    }
  });

  it('an id that decodes to no type is refused before it runs, and reaches no vendor', async () => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql<{ nodes: unknown[] }>('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['bm90LWFuLWlk'] });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('nodes(ids) answers one of each type and vendor together, and _entities the same', async () => {
    const one = byTypeAndVendor(found).map((same) => same[0]!);
    const data = await withinItsPrice<{ nodes: ({ __typename: string; id: string } | null)[] }>('nodes', 'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', { ids: one.map((f) => f.id) });
    expect(data.nodes).toEqual(one.map(({ typename, id }) => ({ __typename: typename, id })));

    const entityTypes = entityTypeNames();
    const entities = one.filter((f) => entityTypes.has(f.typename));
    const answer = await withinItsPrice<{ _entities: ({ __typename: string; id: string } | null)[] }>(
      '_entities',
      'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Node { id } } }',
      { r: entities.map((f) => ({ __typename: f.typename, id: f.id })) },
    );
    expect(answer._entities).toEqual(entities.map(({ typename, id }) => ({ __typename: typename, id })));
  });
});

function byTypeAndVendor(found: Found[]): Found[][] {
  const groups = new Map<string, Found[]>();
  for (const f of found) groups.set(`${f.typename} ${f.provider}`, [...(groups.get(`${f.typename} ${f.provider}`) ?? []), f]);
  return [...groups.values()];
}

/** The federation entities: every vendor node (schema/index.ts). */
function entityTypeNames(): Set<string> {
  const entity = schema.getType('_Entity');
  if (!isUnionType(entity)) throw new Error('the schema has no _Entity union');
  return new Set(entity.getTypes().map((type) => type.name));
}
