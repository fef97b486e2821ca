import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printSubgraphSdl } from '../../src/schema/index.js';
import { startStack, type Stack } from '../support/stack.js';

/** A second team's subgraph: it knows retention policies and extends backupgraph's Volume. */
const retentionTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Volume @key(fields: "id") {
    id: ID!
    retentionDays: Int!
  }

  type Query {
    retentionDefaults: Int!
  }
`);

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)),
  );
}

describe('backupgraph composes into a supergraph and serves its entities through a federation gateway', () => {
  let stack: Stack;
  let retentionServer: http.Server;
  let routerServer: http.Server;
  let router: ReturnType<typeof createGatewayRuntime>;
  let routerUrl: string;
  let supergraphSdl: string;

  beforeAll(async () => {
    stack = await startStack();
    const retention = createYoga({
      schema: buildSubgraphSchema({
        typeDefs: retentionTypeDefs,
        resolvers: {
          Query: { retentionDefaults: () => 30 },
          Volume: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, retentionDays: 30 }) },
        },
      }),
    });
    retentionServer = http.createServer(retention);
    const retentionUrl = await listen(retentionServer);

    const composition = composeServices([
      { name: 'backups', typeDefs: parse(printSubgraphSdl()), url: stack.gateway.graphqlUrl },
      { name: 'retention', typeDefs: retentionTypeDefs, url: retentionUrl },
    ]);
    if (compositionHasErrors(composition)) throw new Error(composition.errors.map((e) => e.message).join('\n'));
    supergraphSdl = composition.supergraphSdl;

    router = createGatewayRuntime({
      supergraph: supergraphSdl,
      logging: process.env.ROUTER_LOG ? 'debug' : false,
      // The router forwards the caller's API key: backupgraph decides what the caller may see.
      propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? '' }) },
    });
    routerServer = http.createServer(router);
    routerUrl = await listen(routerServer);
  });

  afterAll(async () => {
    await new Promise((resolve) => routerServer?.close(resolve));
    await router?.[Symbol.asyncDispose]();
    await new Promise((resolve) => retentionServer?.close(resolve));
    await stack?.close();
  });

  it('answers _service { sdl } with the federation SDL', async () => {
    const response = await stack.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(response.body.data?._service.sdl).toContain('@key(fields: "id")');
  });

  it('composes without errors, with every vendor node as an entity', () => {
    for (const type of ['Volume', 'Backup', 'Snapshot', 'BackupGroup', 'BackupStorage', 'DatabaseInstance']) {
      expect(supergraphSdl).toMatch(new RegExp(`type ${type} implements Node[\\s\\S]*?@join__type\\(graph: BACKUPS, key: "id"\\)`));
    }
  });

  it('reads fields of both subgraphs in one query, with the API key forwarded', async () => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` },
      body: JSON.stringify({ query: '{ volumes(first: 3) { edges { node { id name retentionDays provider { name } } } } }' }),
    });
    const body = (await response.json()) as { data: { volumes: { edges: { node: { name: string; retentionDays: number } }[] } }; errors?: unknown };
    expect(body.errors, JSON.stringify(body.errors) + JSON.stringify(stack.logs.filter((l) => l.includes('"level":50')))).toBeUndefined();
    expect(body.data.volumes.edges).toHaveLength(3);
    for (const { node } of body.data.volumes.edges) {
      expect(node.name).toBeTruthy();
      expect(node.retentionDays).toBe(30);
    }
  });

  it('refuses the same query through the router without a key', async () => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ volumes(first: 1) { edges { node { id } } } }' }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.data ?? null).toBeNull();
  });
});
