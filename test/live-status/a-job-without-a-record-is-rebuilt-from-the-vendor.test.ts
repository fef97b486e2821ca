import { afterEach, describe, expect, it } from 'vitest';
import { CreateVolumeBackupDocument, JobStatusDocument } from '../../schema/client/graphql.js';
import { decodeGlobalId, encodeGlobalId, jobLocalId, providerKeyOf, resourceGlobalId } from '../../src/domain/ids.js';
import { startStack, type Stack } from '../support/stack.js';
import { JOB_EVENTS, subscribe, wsClient, wsUrl, type JobEvent } from './live-clients.js';

/**
 * A job id names the provider, the vendor's job id and the operation: a gateway that has no record
 * of the job (another one started it, or its record is gone) asks the vendor and follows it. Ids
 * the gateway made up itself (a lost create's `lookup:`) are vouched for by its records only.
 */

describe('job(id) without a record of the job', () => {
  const stacks: Stack[] = [];
  afterEach(async () => {
    await Promise.all(stacks.splice(0).map((stack) => stack.close()));
  });

  async function twoGatewaysOverOneVbs(): Promise<[Stack, Stack]> {
    const starter = await startStack({ vbs: { jobDurationMs: 600 }, zstack: false });
    const stranger = await startStack({ vbs: {}, zstack: false, endpoints: { vbs: starter.vbs!.url } });
    stacks.push(starter, stranger);
    return [starter, stranger];
  }

  /** A backup job `starter` started, of which `stranger` has no record. */
  async function startedBy(starter: Stack, name: string): Promise<{ id: string; vendorId: string }> {
    const volume = [...starter.vbs!.state.volumes.values()].find((v) => v.status === 'available')!;
    const created = await starter.graphql(CreateVolumeBackupDocument, {
      input: { volumeId: resourceGlobalId('Volume', providerKeyOf('acme', 'vbs'), volume.id), name },
    });
    return (created.body.data!.createVolumeBackup as { job: { id: string; vendorId: string } }).job;
  }

  it('is rebuilt from the vendor by the id alone, then followed to its end', async () => {
    const [starter, stranger] = await twoGatewaysOverOneVbs();
    const job = await startedBy(starter, 'started-elsewhere');

    const rebuilt = await stranger.graphql(JobStatusDocument, { id: job.id });
    expect(rebuilt.body.data!.job).toMatchObject({ id: job.id, vendorId: job.vendorId, operation: 'createVolumeBackup' });

    const client = wsClient(wsUrl(stranger), stranger.apiKey);
    try {
      const live = subscribe<JobEvent>(client, JOB_EVENTS, { id: job.id });
      await live.ended;
      expect(live.data.at(-1)!.jobUpdated).toMatchObject({ status: 'SUCCEEDED', resource: { id: expect.any(String) } });
    } finally {
      await client.dispose();
    }
  });

  it('an id made before ids named the operation resolves from the record only', async () => {
    const [starter, stranger] = await twoGatewaysOverOneVbs();
    const job = await startedBy(starter, 'old-style-id');
    const oldStyle = encodeGlobalId('Job', decodeGlobalId(job.id).id.replace(/~createVolumeBackup$/, ''));
    expect((await starter.graphql(JobStatusDocument, { id: oldStyle })).body.data!.job).toMatchObject({ vendorId: job.vendorId });
    expect((await stranger.graphql(JobStatusDocument, { id: oldStyle })).body.data!.job).toBeNull();
  });

  it('a forged lookup id is not rebuilt: nothing is sent to the vendor', async () => {
    const [starter, stranger] = await twoGatewaysOverOneVbs();
    const volume = [...starter.vbs!.state.volumes.values()][0]!;
    const body = { volume_id: volume.id, name: 'forged' };
    const lookup = { sourceId: volume.id, name: 'forged', sinceMs: 0, startedMs: 0, body };
    const vendorJobId = `lookup:${Buffer.from(JSON.stringify(lookup)).toString('base64url')}`;
    const forged = encodeGlobalId('Job', jobLocalId(providerKeyOf('acme', 'vbs'), vendorJobId, 'createVolumeBackup'));
    expect((await stranger.graphql(JobStatusDocument, { id: forged })).body.data!.job).toBeNull();
    expect(starter.vbs!.server.requests({ method: 'POST' })).toEqual([]);
  });
});
