import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { zstackTargets } from './support.js';

/**
 * A key without `read` (a scheduler that may only back up, a janitor that may only delete) cannot
 * read listings through what its mutation answers: `snapshot { volume { backups(first: 100) } }` is
 * FORBIDDEN with requiredScope read, and nothing is sent upstream.
 */

const SNAPSHOT_PAYLOAD = {
  inline: `mutation Snap($input: CreateVolumeSnapshotInput!) {
    createVolumeSnapshot(input: $input) { ... on CreateVolumeSnapshotSuccess { snapshot { volume { backups(first: 100) { edges { node { id name } } } } } } }
  }`,
  fragment: `mutation Snap($input: CreateVolumeSnapshotInput!) {
    createVolumeSnapshot(input: $input) { ...Listed }
  }
  fragment Listed on CreateVolumeSnapshotSuccess { snapshot { volume { snapshots(first: 100) { edges { node { id } } } } } }`,
};

describe('fields that read vendor listings need read wherever they appear', () => {
  let stack: Stack;
  let targets: Awaited<ReturnType<typeof zstackTargets>>;

  beforeAll(async () => {
    stack = await startStack({
      jobsPollIntervalMs: 60_000,
      keys: [
        { key: 'key-scheduler', label: 'scheduler', scopes: ['backup'] },
        { key: 'key-janitor', label: 'janitor', scopes: ['delete'] },
        { key: 'key-operator', label: 'operator', scopes: ['read', 'backup'] },
      ],
    });
    targets = await zstackTargets(stack);
  });
  afterAll(() => stack.close());

  it.each(Object.entries(SNAPSHOT_PAYLOAD))('refuses a backup-only key the listing in its payload (%s) with FORBIDDEN read, sending nothing', async (_how, query) => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql(query, { input: { volumeId: targets.volumeId, name: 'payload-listing' } }, { apiKey: 'key-scheduler' });
    expect(response.status).toBe(403);
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN', requiredScope: 'read' } })]);
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses a delete-only key the listing in its payload, with the id as a literal', async () => {
    stack.clearUpstreamRequests();
    const query = `mutation { deleteBackup(input: { id: "${targets.backupId}" }) { __typename ... on DeleteBackupSuccess { job { resource { ... on Volume { backups(first: 100) { edges { node { id } } } } } } } } }`;
    const response = await stack.graphql(query, undefined, { apiKey: 'key-janitor' });
    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', requiredScope: 'read' });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('lets the backup-only key have its payload without listings, and a key with read have the listing', async () => {
    const plain = await stack.graphql<{ createVolumeSnapshot: { __typename: string } }>(
      'mutation Snap($input: CreateVolumeSnapshotInput!) { createVolumeSnapshot(input: $input) { __typename ... on CreateVolumeSnapshotSuccess { job { id } } } }',
      { input: { volumeId: targets.volumeId, name: 'plain-payload' } },
      { apiKey: 'key-scheduler' },
    );
    expect(plain.body.errors).toBeUndefined();
    expect(plain.body.data!.createVolumeSnapshot.__typename).toBe('CreateVolumeSnapshotSuccess');
    const listed = await stack.graphql(SNAPSHOT_PAYLOAD.inline, { input: { volumeId: targets.volumeId, name: 'with-read' } }, { apiKey: 'key-operator' });
    expect(listed.body.errors).toBeUndefined();
  });
});
