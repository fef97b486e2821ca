import fc from 'fast-check';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationCost } from '../../src/server/plugins/use-query-cost.js';
import { schema } from '../../src/schema/index.js';
import { unpricedFields } from '../../src/schema/costs.js';
import { startStack, type Stack } from '../support/stack.js';

const LIMITS = { maxIds: 100, maxFilterLength: 128 };

/** The fan-out of the issue: 30 aliases of three nested listings, the page size in a variable. */
function fanOut(pageSize: string): string {
  const alias = (i: number) =>
    `a${i}: backups(first: ${pageSize}) { edges { node { volume { backups(first: ${pageSize}) { edges { node { volume { snapshots(first: ${pageSize}) { edges { node { id } } } } } } } } } } }`;
  return `query Fan${pageSize === '$n' ? '($n: Int)' : ''} { ${Array.from({ length: 30 }, (_, i) => alias(i)).join(' ')} }`;
}

describe('an operation is held to a budget of upstream requests counted with its variables', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Background polling slowed to a minute: every upstream request counted belongs to the operation sent.
    stack = await startStack({ vbs: {}, taurusDb: {}, jobsPollIntervalMs: 60_000, extra: { watcher: { minIntervalMs: 60_000, maxIntervalMs: 600_000 } } });
    // Log in to ZStack once, so that counts below are of the operations only.
    await stack.graphql('{ volumes(first: 1) { edges { node { id } } } }');
  });
  afterAll(() => stack.close());

  it('prices every field that can reach a vendor', () => {
    expect(unpricedFields(schema)).toEqual([]);
  });

  it('refuses the variable fan-out (2,253 vendor requests before) with COST_LIMIT and sends nothing upstream', async () => {
    stack.clearUpstreamRequests();
    const withVariables = await stack.graphql(fanOut('$n'), { n: 100 });
    expect(withVariables.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^The operation may cost \d+ upstream requests, more than the 1000 allowed/), extensions: expect.objectContaining({ code: 'COST_LIMIT' }) }),
    ]);
    const withLiterals = await stack.graphql(fanOut('100'));
    expect(withLiterals.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT');
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('prices a document sent again by the variables each request carries: the same page the same price, a larger page more, a fan-out refused after its cheap run', async () => {
    const page = 'query Page($n: Int) { backups(first: $n) { edges { node { volume { snapshots(first: $n) { edges { node { id } } } } } } } }';
    const requested = async (n: number) => ((await stack.graphql(page, { n })).body as { extensions?: { cost: { requested: number } } }).extensions!.cost.requested;
    const small = await requested(2);
    const large = await requested(20);
    expect(large).toBeGreaterThan(small);
    expect([await requested(2), await requested(20)]).toEqual([small, large]);
    expect((await stack.graphql(fanOut('$n'), { n: 1 })).body.errors).toBeUndefined();
    stack.clearUpstreamRequests();
    expect((await stack.graphql(fanOut('$n'), { n: 100 })).body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT');
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('prices __typename at nothing: it reaches no vendor, and clients like urql add it to every selection', () => {
    const price = (query: string) => operationCost({ schema, document: parse(query), variableValues: {} }, { providers: 3, limits: LIMITS }, 100_000);
    const plain = '{ backups(first: 50) { edges { node { id name volume { id name } storageRefs { backupStorage { id } } } } } }';
    const typed = '{ __typename backups(first: 50) { __typename edges { __typename node { __typename id name volume { __typename id name } storageRefs { __typename backupStorage { __typename id } } } } } }';
    expect(price(typed)).toEqual(price(plain));
    expect(price('{ __typename }')).toEqual({ cost: 0 });
  });

  it('caps list arguments: nodes(ids) with 10,000 ids and a 10,000-character nameContains are BAD_USER_INPUT, unsent', async () => {
    stack.clearUpstreamRequests();
    const providerId = Buffer.from('Provider:acme/zs').toString('base64url');
    const nodes = await stack.graphql('query($ids: [ID!]!) { nodes(ids: $ids) { ... on Provider { healthy } } }', { ids: Array.from({ length: 10_000 }, () => providerId) });
    expect(nodes.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'ids' } })]);
    const filter = await stack.graphql('query($s: String) { backups(filter: { nameContains: $s }) { edges { node { id } } } }', { s: 'x'.repeat(10_000) });
    expect(filter.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'filter.nameContains' } })]);
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses deep, wide and long operations with a code and a plain message, no "Syntax Error"', async () => {
    const deep = await stack.graphql(`{ backups { edges { node { volume { backups { edges { node { volume { backups { edges { node { volume { id } } } } } } } } } } } } }`);
    const aliases = await stack.graphql(`{ ${Array.from({ length: 31 }, (_, i) => `p${i}: providers { name }`).join(' ')} }`);
    const long = await stack.graphql(`{ ${Array.from({ length: 5_100 }, () => '__typename').join(' ')} }`);
    const codes = [deep, aliases, long].map((response) => response.body.errors?.[0]);
    expect(codes.map((error) => error?.extensions?.code)).toEqual(['DEPTH_LIMIT', 'ALIAS_LIMIT', 'TOKEN_LIMIT']);
    for (const error of codes) expect(error?.message).not.toMatch(/Syntax Error/);
  });

  // Building blocks of generated operations: each a selection of fields that reach vendors.
  const node = fc.constantFrom('id name', 'id volume { id name }', 'id snapshot { name } group { name }', 'storageRefs { backupStorage { name } }', 'source { __typename ... on Volume { name } }');
  const operation = fc
    .record({
      root: fc.constantFrom('backups', 'volumes', 'snapshots', 'backupGroups'),
      first: fc.integer({ min: 0, max: 100 }),
      inner: fc.integer({ min: 0, max: 30 }),
      nested: fc.boolean(),
      aliases: fc.integer({ min: 1, max: 4 }),
      backupNode: node,
      extra: fc.constantFrom('', 'providers { healthy }', 'backupStorages { id }', 'databaseInstances(first: 3) { edges { node { backups(first: 2) { edges { node { id } } } } } }'),
    })
    .map(({ root, first, inner, nested, aliases, backupNode, extra }) => {
      const leaf =
        root === 'backups'
          ? backupNode
          : root === 'volumes' && nested
            ? `id backups(first: $inner) { edges { node { ${backupNode} } } } snapshots(first: $inner) { edges { node { id parent { id name } } } }`
            : root === 'snapshots'
              ? 'id name volume { name }'
              : root === 'backupGroups'
                ? 'id backups { name }'
                : 'id name';
      const body = Array.from({ length: aliases }, (_, i) => `r${i}: ${root}(first: $first) { edges { node { ${leaf} } } }`).join(' ');
      const usesInner = body.includes('$inner');
      return {
        query: `query Generated($first: Int${usesInner ? ', $inner: Int' : ''}) { ${body} ${extra} }`,
        variables: usesInner ? { first, inner } : { first },
      };
    });

  it('never makes more upstream requests than the budget it was admitted with (property)', async () => {
    await fc.assert(
      fc.asyncProperty(operation, async ({ query, variables }) => {
        const counted = operationCost({ schema, document: parse(query), variableValues: variables }, { providers: 3, limits: LIMITS }, 1_000);
        stack.clearUpstreamRequests();
        const response = await stack.graphql(query, variables);
        const made = stack.upstreamRequests().length;
        if ('errors' in counted) {
          expect(response.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT');
          expect(made).toBe(0);
        } else {
          expect(response.status).toBe(200);
          expect(made).toBeLessThanOrEqual(counted.cost);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
