import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateVmBackupDocument } from '../../schema/client/graphql.js';
import { encodeGlobalId } from '../../src/domain/ids.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { eventually } from '../support/eventually.js';
import { ManualClock } from '../support/manual-clock.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * One response, one moment: `job(id) { status resource { status } }` never shows the group the job
 * made AVAILABLE while the job itself still says RUNNING because the poller has not come round yet.
 */
describe('a job and what it made agree in the same response', () => {
  let stack: Stack;
  const id = (type: string, uuid: string) => encodeGlobalId(type, `acme/zs:${uuid}`);

  beforeAll(async () => {
    // The pollers run only when the clock is moved, and it is not: only the query can learn the job ended.
    stack = await startStack({ zstack: { jobDurationMs: 50 }, clock: new ManualClock() });
  });
  afterAll(() => stack.close());

  it('asks the vendor about a running job once when it is read, so job and group say the same', async () => {
    const created = await stack.graphql(CreateVmBackupDocument, {
      input: { rootVolumeId: id('Volume', DEMO.vmDbRoot), backupStorageId: id('BackupStorage', DEMO.imageStoreDr), name: 'agree-vm-backup' },
    });
    const result = created.body.data!.createVmBackup;
    if (result.__typename !== 'CreateVmBackupSuccess') throw new Error(result.__typename);
    const groupQuery = `{ node(id: "${result.group!.id}") { ... on BackupGroup { status } } }`;
    // The vendor finished (the group reads AVAILABLE from it); the gateway's poller has not run.
    await eventually(
      () => stack.graphql<{ node: { status: string } }>(groupQuery),
      (response) => response.body.data?.node.status === 'AVAILABLE',
    );

    stack.clearUpstreamRequests();
    const read = await stack.graphql<{ job: { status: string; resource: { status: string } } }>(
      `{ job(id: "${result.job.id}") { status resource { ... on BackupGroup { status } } } }`,
    );
    expect(read.body.data!.job).toEqual({ status: 'SUCCEEDED', resource: { status: 'AVAILABLE' } });
    const jobPolls = stack.upstreamRequests().filter((request) => request.path.includes(result.job.vendorId));
    expect(jobPolls).toHaveLength(1);

    // A finished job is not asked about again.
    stack.clearUpstreamRequests();
    await stack.graphql(`{ job(id: "${result.job.id}") { status } }`);
    expect(stack.upstreamRequests()).toEqual([]);
  });
});
