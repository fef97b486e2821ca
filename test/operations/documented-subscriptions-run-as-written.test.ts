import { readdirSync, readFileSync } from 'node:fs';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { createBackup, isScopeListing, JOB_EVENTS, nextUpstreamRequest, sseClient, subscribe, volumeId, wsClient, wsUrl, type Live } from '../live-status/live-clients.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The documented subscriptions (README and docs/*.md), written as the docs write them: their `graphql` blocks with their
 * `"<Job id>"`-style placeholders filled with real ids, and each filter its comment names
 * (`filter: { ids: [...] }` …) written into `backupStatusChanged` as a literal. Over graphql-ws and SSE.
 */

const DOCS = ['README.md', ...readdirSync('docs').filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)]
  .map((file) => readFileSync(file, 'utf8'))
  .join('\n');
const BLOCKS = [...DOCS.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
const SUBSCRIPTIONS = BLOCKS.filter((block) => /^\s*subscription\b/m.test(block)).flatMap((block) =>
  parse(block)
    .definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'subscription')
    .map((operation) => block.slice(operation.loc!.start, operation.loc!.end)),
);
/** The filters the docs' Backups subscription names in its comment, e.g. `{ ids: [...] }`. */
const FILTERS = [...(/Narrow it with\s*([\s\S]*?)\n\s*backupStatusChanged/.exec(DOCS)?.[1] ?? '').matchAll(/\{ (\w+): ([^}]+) \}/g)].map(([text, field]) => ({ text: text!, field: field! }));
const BACKUPS = SUBSCRIPTIONS.find((operation) => /backupStatusChanged\s*\{/.test(operation))!;

type Transport = 'graphql-ws' | 'SSE';
type Events = Record<string, { status?: string; backup?: { id: string; name: string } } | undefined>;

it('finds the subscriptions and filters the docs show', () => {
  expect(SUBSCRIPTIONS.length).toBeGreaterThanOrEqual(3);
  expect(SUBSCRIPTIONS.some((operation) => /jobUpdated\(id: "<Job id>"\)/.test(operation))).toBe(true);
  expect(FILTERS.map((filter) => filter.field)).toEqual(expect.arrayContaining(['ids', 'providers', 'sourceId']));
});

// A gateway per transport: a scope's first listing is the sign that a new subscription is live.
describe.each(['graphql-ws', 'SSE'] as const)("the documented subscriptions, as written, over %s", (transport) => {
  let stack: Stack;
  let ids: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack();
    const { jobId, backupId } = await createBackup(stack, 'readme-subscriptions');
    const client = wsClient(wsUrl(stack), stack.apiKey);
    await subscribe(client, JOB_EVENTS, { id: jobId }).ended;
    await client.dispose();
    const providers = await stack.graphql<{ providers: { id: string }[] }>('{ providers { id } }');
    ids = { Job: jobId, Backup: backupId, Volume: volumeId(DEMO.spareData), Provider: providers.body.data!.providers[0]!.id };
  });
  afterAll(() => stack?.close());

  /** A documented operation with each `"<Kind … id>"` and `[...]` filled in with a real id of that kind. */
  const filled = (text: string, listOf = 'Backup') => text.replace(/"<(\w+)[^>]*>"/g, (_, kind: string) => JSON.stringify(idOf(kind))).replace(/\[\.\.\.\]/g, JSON.stringify([idOf(listOf)]));
  const idOf = (kind: string) => {
    if (!ids[kind]) throw new Error(`the docs name a "<${kind} id>" this test has no id for`);
    return ids[kind];
  };

  it.each(SUBSCRIPTIONS.filter((operation) => operation.includes('jobUpdated')).map((operation) => [firstLine(operation), operation]))('%s follows the job', async (_name, operation) => {
    const live = open(stack, transport, filled(operation), { id: ids.Job });
    try {
      await live.ended;
      expect(live.results.map((result) => result.errors ?? result.data?.jobUpdated?.status)).toEqual(['SUCCEEDED']);
    } finally {
      live.dispose();
    }
  });

  it.each(FILTERS.map((filter) => [filter.text, filter]))('backupStatusChanged(filter: %s) sends what it names', async (_text, filter) => {
    const operation = filled(BACKUPS.replace(/backupStatusChanged\s*\{/, `backupStatusChanged(filter: ${filter.text}) {`), filter.field === 'providers' ? 'Provider' : 'Backup');
    const listed = filter.field === 'ids' ? null : nextUpstreamRequest(stack, filter.field === 'sourceId' ? isScopeListing : isListingOfAll);
    const live = open(stack, transport, operation);
    try {
      if (!listed) {
        // The watched backup's current state comes first.
        await live.count(1);
        expect(live.results[0]).toMatchObject({ data: { backupStatusChanged: { backup: { id: ids.Backup }, previousStatus: null } } });
        return;
      }
      // A provider or a source: a backup started there once the subscription is live is heard.
      await listed;
      const { backupId } = await createBackup(stack, `readme-${filter.field}`);
      await live.until((results) => results.some((result) => result.data?.backupStatusChanged?.backup?.id === backupId));
      expect(live.results.flatMap((result) => result.errors ?? [])).toEqual([]);
    } finally {
      live.dispose();
    }
  });
});

/** The listing of a provider's moving backups, as a subscription to the whole provider reads it. */
function isListingOfAll(entry: { path: string; query: URLSearchParams }): boolean {
  return entry.path.endsWith('/volume-backups') && !entry.query.toString().includes('uuid');
}

function open(stack: Stack, transport: Transport, query: string, variables: Record<string, unknown> = {}): Live<Events> {
  const client = transport === 'graphql-ws' ? wsClient(wsUrl(stack), stack.apiKey) : sseClient(stack.gateway.graphqlUrl, stack.apiKey);
  const live = subscribe<Events>(client, query, variables);
  const dispose = live.dispose;
  live.dispose = () => {
    dispose();
    void client.dispose();
  };
  return live;
}

function firstLine(operation: string): string {
  return operation.split('\n')[0]!.replace(/\s*\{$/, '');
}
