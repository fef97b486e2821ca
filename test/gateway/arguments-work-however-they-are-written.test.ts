import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, JOB_EVENTS, sseClient, subscribe, wsClient, wsUrl, type LiveResult } from '../live-status/live-clients.js';
import { startStack, type Stack } from '../support/stack.js';
import { ALIAS, literal, operationForms, rootFieldsWithArguments, selectionOf, type OperationForm, type RootField } from './operation-forms.js';
import { argumentValues, isConnection, type SampleRecords } from './sample-values.js';

/**
 * Every root field that takes arguments, read from the printed schema, answers the same whether its
 * arguments are written as literals, as one variable each (named as the argument or not), as
 * variables nested in input-object literals, or under an alias: queries and mutations over HTTP,
 * subscriptions over graphql-ws and SSE (their first result, or how they ended). A field added to the schema is covered by this test
 * without being named in it. Mutations are sent ids of the right types that name nothing, so each
 * form fails with the same typed error and nothing is made twice (the vendors see no write).
 */

const schema = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
const FIELDS = rootFieldsWithArguments(schema);
/** Stamped when each event is made, so it differs between any two subscriptions. */
const VARYING = new Set(['occurredAt']);
const SELECTION_DEPTH = 3;
/** How long a subscription may stay silent before "no result" is its answer (none of the forms may be silent). */
const FIRST_RESULT_WITHIN_MS = 3_000;

const named = (operation: RootField['operation']) => FIELDS.filter((root) => root.operation === operation).map((root) => [root.field.name, root] as const);

interface Answer {
  data?: unknown;
  errors?: { message: string; code?: unknown; path?: unknown[] }[];
  ended?: string;
}

/** What a form answered, under the field's own name whatever its response key. */
function normalised(result: LiveResult<Record<string, unknown>> | { data?: Record<string, unknown> | null; errors?: LiveResult<unknown>['errors'] }, form: OperationForm, fieldName: string): Answer {
  const answer: Answer = {};
  if (result.data !== undefined) answer.data = result.data === null ? null : { [fieldName]: result.data[form.responseKey] };
  if (result.errors) {
    answer.errors = result.errors.map((error) => ({
      message: error.message,
      code: error.extensions?.code,
      path: (error as { path?: unknown[] }).path?.map((step) => (step === ALIAS ? fieldName : step)),
    }));
  }
  return answer;
}

/** The forms whose answer differs from the one-variable-per-argument form, each with both answers. */
function differences(forms: OperationForm[], answers: Answer[]): string[] {
  const reference = JSON.stringify(answers[forms.findIndex((form) => form.name === 'variables')]);
  return forms.flatMap((form, index) => {
    const answer = JSON.stringify(answers[index]);
    return answer === reference ? [] : [`${form.name}: ${answer}\n  variables: ${reference}\n  query: ${form.query}`];
  });
}

describe('arguments work however they are written', () => {
  let stack: Stack;
  let records: SampleRecords;

  beforeAll(async () => {
    // Each form selects every field three levels down, which may price above the default maxCost;
    // what is tested here is how arguments are read, so the price limit stays out of the way.
    stack = await startStack({ vbs: {}, taurusDb: {}, extra: { server: { port: 0, host: '127.0.0.1', limits: { maxCost: 100_000 } } } });
    // A finished job to read and subscribe to.
    const { jobId } = await createBackup(stack, 'conformance-job');
    const client = wsClient(wsUrl(stack), stack.apiKey);
    await subscribe(client, JOB_EVENTS, { id: jobId }).ended;
    await client.dispose();
    records = await readSampleRecords(stack, jobId);
  });
  afterAll(() => stack?.close());

  it('covers queries, mutations and subscriptions', () => {
    expect(new Set(FIELDS.map((root) => root.operation))).toEqual(new Set(['query', 'mutation', 'subscription']));
  });

  it.each(named('query'))('query %s', async (_name, root) => {
    const forms = await formsOf(stack, root, records, 'real');
    const answers = await Promise.all(forms.map(async (form) => normalised((await stack.graphql(form.query, form.variables)).body, form, root.field.name)));
    expect(differences(forms, answers)).toEqual([]);
    expect(answers[0], `the sample values make a valid request: ${JSON.stringify(answers[0])}`).not.toHaveProperty('errors');
  });

  it.each(named('mutation'))('mutation %s', async (_name, root) => {
    const forms = await formsOf(stack, root, records, 'missing');
    stack.clearUpstreamRequests();
    const answers: Answer[] = [];
    for (const form of forms) answers.push(normalised((await stack.graphql(form.query, form.variables)).body, form, root.field.name));
    expect(differences(forms, answers)).toEqual([]);
    expect(answers[0], 'each form fails the same typed way').toMatchObject({ data: { [root.field.name]: { __typename: expect.stringMatching(/Error$/) } } });
    const writes = stack.upstreamRequests().filter((request) => request.method !== 'GET' && !/login|session|token/i.test(request.path));
    expect(writes, 'nothing was sent to be made, deleted or restored').toEqual([]);
  });

  describe.each(['graphql-ws', 'SSE'] as const)('over %s', (transport) => {
    it.each(named('subscription'))('subscription %s', async (_name, root) => {
      const forms = await formsOf(stack, root, records, 'real');
      const answers: Answer[] = [];
      for (const form of forms) answers.push(await firstAnswer(stack, transport, form, root.field.name));
      expect(differences(forms, answers)).toEqual([]);
      expect(answers[0], `the sample values start a stream that answers: ${JSON.stringify(answers[0])}`).toHaveProperty('data');
    });
  });
});

async function formsOf(stack: Stack, root: RootField, records: SampleRecords, mode: 'real' | 'missing'): Promise<OperationForm[]> {
  const selection = selectionOf(schema, getNamedType(root.field.type), SELECTION_DEPTH, VARYING);
  if (selection === null) throw new Error(`nothing to select on ${root.field.name}`);
  const values = argumentValues(schema, root.field, records, mode);
  return operationForms(root, isConnection(root.field) ? await withCursor(stack, root, values) : values, selection);
}

/** A connection's `after` as the cursor that ends its first page under the same other arguments. */
async function withCursor(stack: Stack, root: RootField, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const args = root.field.args
    .filter((arg) => arg.name !== 'after')
    .map((arg) => `${arg.name}: ${arg.name === 'first' ? 1 : literal(values[arg.name], arg.type)}`);
  const page = await stack.graphql<{ page: { pageInfo: { endCursor: string | null } } }>(`{ page: ${root.field.name}(${args.join(', ')}) { pageInfo { endCursor } } }`);
  const cursor = page.body.data?.page.pageInfo.endCursor;
  if (!cursor) throw new Error(`${root.field.name} has no second page for the sample values: ${JSON.stringify(page.body)}`);
  return { ...values, after: cursor };
}

/** A subscription's first result, or how it ended without one, or its silence. */
async function firstAnswer(stack: Stack, transport: 'graphql-ws' | 'SSE', form: OperationForm, fieldName: string): Promise<Answer> {
  const client = transport === 'graphql-ws' ? wsClient(wsUrl(stack), stack.apiKey) : sseClient(stack.gateway.graphqlUrl, stack.apiKey);
  const live = subscribe<Record<string, unknown>>(client, form.query, form.variables);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      live.count(1).then(() => normalised(live.results[0]!, form, fieldName)),
      live.ended.then(
        () => ({ ended: 'completed without a result' }),
        (error: unknown) => ({ ended: endOf(error) }),
      ),
      new Promise<Answer>((resolve) => (timer = setTimeout(() => resolve({ ended: `no result within ${FIRST_RESULT_WITHIN_MS} ms` }), FIRST_RESULT_WITHIN_MS))),
    ]);
  } finally {
    clearTimeout(timer);
    live.dispose();
    await client.dispose();
  }
}

function endOf(error: unknown): string {
  if (Array.isArray(error)) return `errors ${JSON.stringify(error.map((item: { message: string }) => item.message))}`;
  const close = error as { code?: number; reason?: string; message?: string };
  return close.code !== undefined ? `closed ${close.code} ${close.reason ?? ''}` : `failed ${close.message ?? String(error)}`;
}

interface Sampled {
  id: string;
  provider: { id: string; name: string };
  [field: string]: unknown;
}
type Page<T> = { edges: { node: T }[] };
interface Listing {
  backups: Page<Sampled & { source: { __typename: string; id?: string } | null; group: { id: string } | null; storageRefs: { backupStorage: { id: string } }[] }>;
  snapshots: Page<Sampled & { volume: { id: string } | null }>;
  backupGroups: Page<Sampled>;
  backupStorages: Sampled[];
  databaseInstances: Page<Sampled>;
  backupPolicies: Page<Sampled>;
  job: Sampled | null;
}

const LEAVES = 'id name status provider { id name }';

/** One coherent set of real records: a ZStack volume backup, its volume, a snapshot of it, its storage, its provider … */
async function readSampleRecords(stack: Stack, jobId: string): Promise<SampleRecords> {
  const { body } = await stack.graphql<Listing>(/* GraphQL */ `
    query Samples($job: ID!) {
      backups(first: 100) { edges { node { ${LEAVES} kind source { __typename ... on Node { id } } group { id } storageRefs { backupStorage { id } } } } }
      snapshots(first: 100) { edges { node { ${LEAVES} volume { id } } } }
      backupGroups(first: 100) { edges { node { ${LEAVES} } } }
      backupStorages { ${LEAVES} }
      databaseInstances(first: 1) { edges { node { ${LEAVES} } } }
      backupPolicies(first: 100) { edges { node { id name provider { id name } } } }
      job(id: $job) { id status provider { id name } }
    }
  `, { job: jobId });
  const listing = body.data;
  if (!listing?.job) throw new Error(`could not list the sample records: ${JSON.stringify(body.errors)}`);
  const snapshots = listing.snapshots.edges.map((edge) => edge.node);
  const zstackVolumeBackups = listing.backups.edges
    .map((edge) => edge.node)
    .filter((backup) => backup.provider.name === 'zs' && backup.source?.__typename === 'Volume' && backup.storageRefs.length > 0);
  const anchor = zstackVolumeBackups.find((backup) => snapshots.some((snapshot) => snapshot.volume?.id === backup.source!.id)) ?? zstackVolumeBackups[0];
  if (!anchor) throw new Error('the demo data holds no ZStack volume backup');
  const volumeId = anchor.source!.id!;
  const record = ({ id, provider, ...fields }: Sampled) => ({ id, providerId: provider.id, fields });
  const backup = record(anchor);
  const storage = listing.backupStorages.find((candidate) => candidate.id === anchor.storageRefs[0]!.backupStorage.id)!;
  const policies = listing.backupPolicies.edges.map((edge) => edge.node);
  const group = listing.backupGroups.edges.map((edge) => edge.node).find((candidate) => candidate.id === anchor.group?.id) ?? listing.backupGroups.edges[0]!.node;
  const byType: SampleRecords['byType'] = {
    Node: backup,
    Backup: backup,
    Volume: { id: volumeId, providerId: backup.providerId, fields: {} },
    Provider: { id: backup.providerId, providerId: backup.providerId, fields: { name: anchor.provider.name } },
    Snapshot: record(snapshots.find((snapshot) => snapshot.volume?.id === volumeId) ?? snapshots[0]!),
    BackupStorage: record(storage),
    BackupGroup: record(group),
    DatabaseInstance: record(listing.databaseInstances.edges[0]!.node),
    Job: record(listing.job),
    // The ZStack demo's policy: the same provider as the volume and the storage above.
    BackupPolicy: record(policies.find((policy) => policy.provider.name === anchor.provider.name) ?? policies[0]!),
  };
  return { byType, sourceId: volumeId };
}
