import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CreateDatabaseBackupDocument, CreateVolumeBackupDocument } from '../../schema/client/graphql.js';
import { IDEMPOTENCY_TTL_MS } from '../../src/infrastructure/idempotency.js';
import type { Stack } from '../support/stack.js';
import { awaitJobEnd, idOf, startThreeVendorStack } from './three-vendors.js';

/** What a create answered, reduced to what must be the same on a repeat. */
interface Outcome {
  typename: string;
  jobId: string | null;
  backupId: string | null;
}

describe('idempotencyKey on vendors without a client token (VBS, TaurusDB): same key, same Job, one vendor call', () => {
  let stack: Stack;
  let vbsVolumes: string[];
  let instances: string[];

  beforeEach(async () => {
    // Long enough that a second create of the same source meets the first still running, even on a
    // loaded machine (TaurusDB at 300 ms had finished before the unkeyed control create arrived).
    stack = await startThreeVendorStack({ vbs: { jobDurationMs: 300 }, taurusDb: { jobDurationMs: 3_000 } });
    vbsVolumes = [...stack.vbs!.state.volumes.values()].filter((v) => v.status === 'available' || v.status === 'in-use').map((v) => v.id);
    instances = [...stack.taurusDb!.state.instances.keys()];
  });
  afterEach(async () => {
    vi.useRealTimers();
    await stack.close();
  });

  async function backUpVolume(volume: string, name: string, idempotencyKey?: string): Promise<Outcome> {
    const response = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: idOf('Volume', 'vbs', volume), name, idempotencyKey } });
    expect(response.body.errors).toBeUndefined();
    const result = response.body.data!.createVolumeBackup;
    return result.__typename === 'CreateVolumeBackupSuccess'
      ? { typename: result.__typename, jobId: result.job.id, backupId: result.backup?.id ?? null }
      : { typename: result.__typename, jobId: null, backupId: null };
  }

  async function backUpDatabase(instance: string, name: string, idempotencyKey?: string): Promise<Outcome> {
    const response = await stack.graphql(CreateDatabaseBackupDocument, { input: { instanceId: idOf('DatabaseInstance', 'tdb', instance), name, idempotencyKey } });
    expect(response.body.errors).toBeUndefined();
    const result = response.body.data!.createDatabaseBackup;
    return result.__typename === 'CreateDatabaseBackupSuccess'
      ? { typename: result.__typename, jobId: result.job.id, backupId: result.backup?.id ?? null }
      : { typename: result.__typename, jobId: null, backupId: null };
  }

  const vbsCreates = () => stack.vbs!.server.requests({ method: 'POST', pathIncludes: '/cloudbackups' }).length;
  const tdbCreates = () => stack.taurusDb!.server.requests({ method: 'POST', pathIncludes: '/backups/create' }).length;

  it('VBS: two creates sent at once with one key get one Job, and the vendor sees one request', async () => {
    const [first, second] = await Promise.all([backUpVolume(vbsVolumes[0]!, 'key-once', 'vbs-key-1'), backUpVolume(vbsVolumes[0]!, 'key-once', 'vbs-key-1')]);
    expect(first.typename).toBe('CreateVolumeBackupSuccess');
    expect(second).toEqual(first);
    expect(vbsCreates()).toBe(1);

    // After the job ended, the same key still answers with that Job, now with the one backup it made.
    const job = await awaitJobEnd(stack, first.jobId!);
    expect(job).toMatchObject({ status: 'SUCCEEDED', resource: { __typename: 'Backup', name: 'key-once' } });
    expect(await backUpVolume(vbsVolumes[0]!, 'key-once', 'vbs-key-1')).toEqual({ ...first, backupId: job.resource!.id });
    expect(vbsCreates()).toBe(1);
    expect([...stack.vbs!.state.backups.values()].filter((b) => b.name === 'key-once')).toHaveLength(1);
  });

  it('TaurusDB: concurrent creates with one key get one Job and one Backup; without a key the second would be DBS.201205', async () => {
    const outcomes = await Promise.all([1, 2, 3].map(() => backUpDatabase(instances[0]!, 'keyed-db-backup', 'tdb-key-1')));
    expect(outcomes[0]!.typename).toBe('CreateDatabaseBackupSuccess');
    expect(outcomes[0]!.backupId).not.toBeNull();
    expect(outcomes.slice(1)).toEqual([outcomes[0], outcomes[0]]);
    expect(tdbCreates()).toBe(1);

    // The control: a create without a key reaches the vendor, which refuses it while the first builds.
    const unkeyed = await stack.graphql(CreateDatabaseBackupDocument, { input: { instanceId: idOf('DatabaseInstance', 'tdb', instances[0]!), name: 'unkeyed-db-backup' } });
    expect(unkeyed.body.data!.createDatabaseBackup).toMatchObject({ __typename: 'VendorError', vendorCode: 'DBS.201205' });
    expect(tdbCreates()).toBe(2);
  });

  it('different keys are different operations: one vendor call each', async () => {
    const a = await backUpVolume(vbsVolumes[0]!, 'key-a', 'vbs-key-a');
    const b = await backUpVolume(vbsVolumes[1]!, 'key-b', 'vbs-key-b');
    expect(a.jobId).not.toBe(b.jobId);
    expect(vbsCreates()).toBe(2);
  });

  it('a key reused with different input is a ValidationError and reaches no vendor', async () => {
    await backUpDatabase(instances[0]!, 'first-input', 'tdb-key-2');
    expect(await backUpDatabase(instances[1]!, 'other-input', 'tdb-key-2')).toMatchObject({ typename: 'ValidationError' });
    const reused = await stack.graphql(CreateDatabaseBackupDocument, { input: { instanceId: idOf('DatabaseInstance', 'tdb', instances[0]!), name: 'changed', idempotencyKey: 'tdb-key-2' } });
    expect(reused.body.data!.createDatabaseBackup).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey', rule: 'same-input' });
    expect(tdbCreates()).toBe(1);
  });

  it('a create the vendor refused is not remembered: the same key retried later reaches the vendor again', async () => {
    stack.vbs!.server.injectFault({ fault: { type: 'vendorError', status: 500, body: { error: { code: 'VolumeBackup.0001', message: 'internal error' } } }, method: 'POST', times: 1 });
    expect(await backUpVolume(vbsVolumes[0]!, 'retried', 'vbs-key-retry')).toMatchObject({ typename: 'VendorError' });
    expect(await backUpVolume(vbsVolumes[0]!, 'retried', 'vbs-key-retry')).toMatchObject({ typename: 'CreateVolumeBackupSuccess' });
    expect(vbsCreates()).toBe(2);
  });

  it('the key is kept for 24 hours: just before, the same Job; after, a new vendor call', async () => {
    const first = await backUpVolume(vbsVolumes[0]!, 'daily', 'vbs-key-day');
    await awaitJobEnd(stack, first.jobId!);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + IDEMPOTENCY_TTL_MS - 60_000 });
    expect((await backUpVolume(vbsVolumes[0]!, 'daily', 'vbs-key-day')).jobId).toBe(first.jobId);
    expect(vbsCreates()).toBe(1);

    vi.setSystemTime(Date.now() + 2 * 60_000);
    const later = await backUpVolume(vbsVolumes[0]!, 'daily', 'vbs-key-day');
    expect(later.typename).toBe('CreateVolumeBackupSuccess');
    expect(later.jobId).not.toBe(first.jobId);
    expect(vbsCreates()).toBe(2);
  });
});
