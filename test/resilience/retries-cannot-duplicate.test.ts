import { afterEach, describe, expect, it } from 'vitest';
import { CreateDatabaseBackupDocument, CreateVolumeBackupDocument } from '../../schema/client/graphql.js';
import { decodeGlobalId, providerKeyOf, resourceGlobalId, splitJobLocalId } from '../../src/domain/ids.js';
import type { JobRecord } from '../../src/domain/provider.js';
import { startStack, type Stack } from '../support/stack.js';
import { refusedPortUrl } from './endpoints.js';

const BACKUPS = '{ backups(first: 50) { edges { node { id } } } }';

describe('retries that cannot duplicate anything', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  async function finished(jobId: string): Promise<JobRecord> {
    const local = splitJobLocalId(decodeGlobalId(jobId).id)!;
    return stack.gateway.jobs.whenFinished(local.providerKey, local.vendorId);
  }

  async function createDbBackup(name: string, idempotencyKey: string) {
    const instance = [...stack.taurusDb!.state.instances.values()][0]!;
    const response = await stack.graphql(CreateDatabaseBackupDocument, {
      input: { instanceId: resourceGlobalId('DatabaseInstance', providerKeyOf('acme', 'tdb'), instance.id), name, idempotencyKey },
    });
    return response.body.data!.createDatabaseBackup as { __typename: string; job: { id: string } };
  }

  function vbsVolume(): string {
    const volume = [...stack.vbs!.state.volumes.values()].find((v) => v.status === 'available')!;
    return resourceGlobalId('Volume', providerKeyOf('acme', 'vbs'), volume.id);
  }

  async function createVbsBackup(name: string, idempotencyKey: string) {
    const response = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: vbsVolume(), name, idempotencyKey } });
    return response.body.data!.createVolumeBackup;
  }

  it('VBS: a create whose answer is lost after the vendor made it is looked up, not resent; the job follows the backup it made', async () => {
    stack = await startStack({ vbs: {} });
    stack.vbs!.server.injectFault({ fault: { type: 'dropAfterHandling' }, method: 'POST', pathIncludes: '/cloudbackups', times: 1 });
    const first = await createVbsBackup('lost-answer', 'lost-answer-key');
    expect(first.__typename).toBe('CreateVolumeBackupSuccess');
    const jobId = (first as { job: { id: string } }).job.id;
    const job = await finished(jobId);
    const made = [...stack.vbs!.state.backups.values()].filter((b) => b.name === 'lost-answer');
    expect(made).toHaveLength(1);
    expect(job).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'Backup', vendorId: made[0]!.id } });

    // The client retries with the same key: the same job, and still one create upstream.
    const again = await createVbsBackup('lost-answer', 'lost-answer-key');
    expect((again as { job: { id: string } }).job.id).toBe(jobId);
    expect(stack.vbs!.server.requests({ method: 'POST', pathIncludes: '/cloudbackups' })).toHaveLength(1);
    expect(stack.vbs!.server.duplicateCreations()).toEqual([]);
  });

  it('VBS: a create dropped before the vendor read it is looked up for a window, then sent once more under its name; the job ends SUCCEEDED with one backup', async () => {
    stack = await startStack({ vbs: {}, providerUpstream: { vbs: { lostCreateGraceMs: 300 } } });
    stack.vbs!.server.injectFault({ fault: { type: 'drop' }, method: 'POST', pathIncludes: '/cloudbackups', times: 1 });
    const first = await createVbsBackup('dropped-once', 'dropped-once-key');
    expect(first.__typename).toBe('CreateVolumeBackupSuccess');
    const jobId = (first as { job: { id: string } }).job.id;
    const job = await finished(jobId);
    const made = [...stack.vbs!.state.backups.values()].filter((b) => b.name === 'dropped-once');
    expect(made).toHaveLength(1);
    expect(job).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'Backup', vendorId: made[0]!.id } });
    // The dropped create and the one resend; the retry with the key sends nothing.
    expect(stack.vbs!.server.requests({ method: 'POST', pathIncludes: '/cloudbackups' })).toHaveLength(2);
    const again = await createVbsBackup('dropped-once', 'dropped-once-key');
    expect((again as { job: { id: string } }).job.id).toBe(jobId);
    expect(stack.vbs!.server.requests({ method: 'POST', pathIncludes: '/cloudbackups' })).toHaveLength(2);
    expect(stack.vbs!.server.duplicateCreations()).toEqual([]);
  });

  it('VBS: a dropped create whose vendor cannot be asked for a whole window ends UNKNOWN, sent once and never again', async () => {
    stack = await startStack({ vbs: {}, providerUpstream: { vbs: { lostCreateGraceMs: 300 } } });
    stack.vbs!.server.injectFault({ fault: { type: 'drop' }, method: 'POST', pathIncludes: '/cloudbackups', times: 1 });
    stack.vbs!.server.injectFault({ fault: { type: 'http500text' }, method: 'GET', pathIncludes: '/backups/detail', times: 1_000 });
    const first = await createVbsBackup('never-asked', 'never-asked-key');
    const job = await finished((first as { job: { id: string } }).job.id);
    expect(job).toMatchObject({ status: 'UNKNOWN', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(job.error!.message).toContain('could not be asked');
    expect(stack.vbs!.server.requests({ method: 'POST', pathIncludes: '/cloudbackups' })).toHaveLength(1);
    expect([...stack.vbs!.state.backups.values()].filter((b) => b.name === 'never-asked')).toHaveLength(0);
  });

  it('TaurusDB: a dropped create is sent once more after the lookup window; one backup, the job SUCCEEDED', async () => {
    stack = await startStack({ taurusDb: {}, zstack: false, providerUpstream: { tdb: { lostCreateGraceMs: 300 } } });
    stack.taurusDb!.server.injectFault({ fault: { type: 'drop' }, method: 'POST', pathIncludes: '/backups/create', times: 1 });
    const result = await createDbBackup('dropped-db', 'dropped-db-key');
    expect(result.__typename).toBe('CreateDatabaseBackupSuccess');
    const job = await finished(result.job.id);
    const made = [...stack.taurusDb!.state.backups.values()].filter((b) => b.name === 'dropped-db');
    expect(made).toHaveLength(1);
    expect(job).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'Backup', vendorId: made[0]!.id } });
    expect(stack.taurusDb!.server.requests({ method: 'POST', pathIncludes: '/backups/create' })).toHaveLength(2);
  });

  it('TaurusDB: a 200 whose body arrives garbled is looked up; the job follows the backup, made once', async () => {
    stack = await startStack({ taurusDb: {}, zstack: false });
    stack.taurusDb!.server.injectFault({ fault: { type: 'garbleAfterHandling' }, method: 'POST', pathIncludes: '/backups/create', times: 1 });
    const result = await createDbBackup('garbled-answer', 'garbled-key');
    expect(result.__typename).toBe('CreateDatabaseBackupSuccess');
    const job = await finished(result.job.id);
    const made = [...stack.taurusDb!.state.backups.values()].filter((b) => b.name === 'garbled-answer');
    expect(made).toHaveLength(1);
    expect(job).toMatchObject({ status: 'SUCCEEDED', resource: { type: 'Backup', vendorId: made[0]!.id } });
    expect(stack.taurusDb!.server.requests({ method: 'POST' })).toHaveLength(1);
  });

  it('a create to a refused port fails with UPSTREAM_UNAVAILABLE and says that nothing reached the vendor', async () => {
    const refused = await refusedPortUrl();
    stack = await startStack({ vbs: {}, endpoints: { vbs: refused } });
    const result = await createVbsBackup('refused', 'refused-key');
    expect(result).toMatchObject({ __typename: 'VendorError', vendorCode: 'UPSTREAM_UNAVAILABLE' });
    expect((result as { message: string }).message).toContain('nothing reached it');
  });

  it('a read answered 429 with Retry-After is retried after at least that long, and then answers', async () => {
    stack = await startStack({ vbs: {}, zstack: false });
    await stack.graphql('{ providers { name } }');
    stack.vbs!.server.injectFault({
      fault: { type: 'vendorError', status: 429, headers: { 'retry-after': '1' }, body: { error_code: 'APIGW.0308', error_msg: 'throttled' } },
      pathIncludes: '/backups',
      times: 1,
    });
    const listed = await stack.graphql(BACKUPS);
    expect(listed.body.errors).toBeUndefined();
    const [throttled, retried] = stack.vbs!.server.requests({ pathIncludes: '/backups' });
    expect([throttled!.status, retried!.status]).toEqual([429, 200]);
    expect(retried!.at - throttled!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('a Retry-After that the request deadline cannot wait for is not waited for: the vendor answer is final', async () => {
    stack = await startStack({ vbs: {}, zstack: false, extra: { server: { port: 0, host: '127.0.0.1', requestDeadlineMs: 1_000 } } });
    stack.vbs!.server.injectFault({
      fault: { type: 'vendorError', status: 429, headers: { 'retry-after': '5' }, body: { error_code: 'APIGW.0308', error_msg: 'throttled' } },
      pathIncludes: '/backups',
    });
    const listed = await stack.graphql(BACKUPS);
    expect(listed.body.errors?.map((e) => ({ code: e.extensions?.code, vendorCode: e.extensions?.vendorCode }))).toEqual([
      { code: 'UPSTREAM_ERROR', vendorCode: 'APIGW.0308' },
    ]);
    expect(stack.vbs!.server.requests({ pathIncludes: '/backups' })).toHaveLength(1);
  });
});
