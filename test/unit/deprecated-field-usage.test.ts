import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../../src/infrastructure/metrics.js';
import { useMetrics } from '../../src/server/plugins/use-metrics.js';

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Query {
      size: Int @deprecated(reason: "use sizeBytes")
      sizeBytes: Float
    }
  `,
  resolvers: { Query: { size: () => 1, sizeBytes: () => 1 } },
});

async function deprecatedUses(queries: string[]): Promise<{ value: number; labels: Record<string, unknown> }[]> {
  const metrics = createGatewayMetrics();
  const yoga = createYoga({ schema, plugins: useMetrics(metrics), logging: false });
  for (const query of queries) {
    const response = await yoga.fetch('http://gateway/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(response.status).toBe(200);
  }
  const counter = await metrics.registry.getSingleMetric('graphql_envelop_deprecated_field')!.get();
  return counter.values.map(({ value, labels }) => ({ value, labels }));
}

describe('graphql_envelop_deprecated_field', () => {
  it('counts every use of a deprecated field, document after document', async () => {
    expect(await deprecatedUses(['{ size }', '{ size sizeBytes }', '{ sizeBytes }', '{ size }'])).toEqual([
      { value: 3, labels: { operationType: 'query', fieldName: 'size', typeName: 'Query' } },
    ]);
  });

  it('counts nothing for documents without deprecated fields', async () => {
    expect(await deprecatedUses(['{ sizeBytes }', '{ sizeBytes }'])).toEqual([]);
  });
});
