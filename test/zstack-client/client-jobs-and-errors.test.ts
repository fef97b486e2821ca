import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import { TransportError, VendorError } from '../../src/domain/errors.js';
import type { ZStackClient } from '../../src/providers/zstack/client.js';
import { randomZStackUuid, successorJobUuid } from '../../src/providers/zstack/ids.js';
import { clientFor, jobEnded, logins, PROVIDER_KEY, startSimulator } from './harness.js';

let simulator: ZStackSimulator;
let client: ZStackClient;

beforeEach(async () => {
  simulator = await startSimulator();
  client = clientFor(simulator);
});

afterEach(async () => {
  await client.close();
  await simulator.close();
});

const snapshotCall = (jobUuid: string, name = 'snap') => ({
  method: 'POST' as const,
  path: `/volumes/${DEMO.spareData}/volume-snapshots`,
  body: { params: { name } },
  jobUuid,
});

describe('ZStack async jobs', () => {
  it('submits with the chosen X-Job-UUID, follows the job at the configured endpoint, and reads its result', async () => {
    const jobUuid = randomZStackUuid();
    expect(await client.startJob(snapshotCall(jobUuid))).toBe(jobUuid);
    const [submit] = simulator.server.requests({ method: 'POST' });
    expect(submit!.headers['x-job-uuid']).toBe(jobUuid);
    expect(submit!.status).toBe(202);
    // The 202 location names an unreachable management node; the poll still reaches the simulator.
    const poll = await client.waitForJob(jobUuid, 5_000);
    expect(poll.state).toBe('succeeded');
    const result = (poll as { result: { inventory: { uuid: string; name: string; status: string } } }).result;
    expect(result.inventory).toMatchObject({ name: 'snap', status: 'Ready' });
    expect(simulator.server.requests({ method: 'GET', pathIncludes: `/v1/api-jobs/${jobUuid}` }).length).toBeGreaterThanOrEqual(1);
  });

  it('answers running while the job runs and expired for a job ZStack does not know', async () => {
    const slow = await startSimulator({ jobDurationMs: 60_000 });
    const slowClient = clientFor(slow);
    try {
      const jobUuid = await slowClient.startJob(snapshotCall(randomZStackUuid()));
      expect(await slowClient.pollJob(jobUuid)).toEqual({ state: 'running', jobUuid });
      const unknown = randomZStackUuid();
      expect(await slowClient.pollJob(unknown)).toEqual({ state: 'expired', jobUuid: unknown });
    } finally {
      await slowClient.close();
      await slow.close();
    }
  });

  it('follows the existing job when the same X-Job-UUID is submitted again (400 Duplicate job uuid)', async () => {
    const jobUuid = randomZStackUuid();
    await client.startJob(snapshotCall(jobUuid));
    expect(await client.startJob(snapshotCall(jobUuid))).toBe(jobUuid);
    expect(simulator.server.requests({ method: 'POST' }).map((entry) => entry.status)).toEqual([202, 400]);
    await jobEnded(simulator, jobUuid);
    const snaps = [...simulator.state.snapshots.values()].filter((snapshot) => snapshot.name === 'snap');
    expect(snaps).toHaveLength(1);
  });

  it('resubmits once under the successor job uuid when the job failed on an expired session', async () => {
    await client.query('volumes', { limit: 1 });
    simulator.expireSessions();
    const jobUuid = randomZStackUuid();
    await client.startJob(snapshotCall(jobUuid, 'after-expiry'));
    await jobEnded(simulator, jobUuid);
    expect(simulator.state.jobs.get(jobUuid)!.body).toMatchObject({ error: { code: 'ID.1001' } });

    const poll = await client.waitForJob(jobUuid, 5_000);
    expect(poll).toMatchObject({ state: 'succeeded', jobUuid: successorJobUuid(jobUuid) });
    expect(logins(simulator)).toBe(2);
    expect([...simulator.state.snapshots.values()].filter((snapshot) => snapshot.name === 'after-expiry')).toHaveLength(1);
    // Later polls of the first uuid go straight to the successor.
    simulator.server.clearRequests();
    expect((await client.pollJob(jobUuid)).state).toBe('succeeded');
    expect(simulator.server.requests({ pathIncludes: `/v1/api-jobs/${jobUuid}` })).toHaveLength(0);
  });

  it('does not fail the job when the session expires again between the re-login and the resubmission', async () => {
    await client.query('volumes', { limit: 1 });
    simulator.expireSessions();
    const jobUuid = randomZStackUuid();
    await client.startJob(snapshotCall(jobUuid, 'expired-twice'));
    await jobEnded(simulator, jobUuid);
    // Another call logs in again, and that session expires too before the job is polled.
    await client.query('volumes', { limit: 1 });
    simulator.expireSessions();

    const poll = await client.waitForJob(jobUuid, 5_000);
    const second = successorJobUuid(successorJobUuid(jobUuid));
    expect(poll).toMatchObject({ state: 'succeeded', jobUuid: second });
    expect(simulator.state.jobs.get(successorJobUuid(jobUuid))!.body).toMatchObject({ error: { code: 'ID.1001' } });
    expect(logins(simulator)).toBe(3);
    expect([...simulator.state.snapshots.values()].filter((snapshot) => snapshot.name === 'expired-twice')).toHaveLength(1);
    // Another client that knows only the first uuid walks the same chain.
    const other = clientFor(simulator);
    try {
      expect(await other.pollJob(jobUuid)).toMatchObject({ state: 'succeeded', jobUuid: second });
    } finally {
      await other.close();
    }
  });

  it('lets another client that only knows the first job uuid find the successor', async () => {
    await client.query('volumes', { limit: 1 });
    simulator.expireSessions();
    const jobUuid = randomZStackUuid();
    await client.startJob(snapshotCall(jobUuid, 'found-by-other'));
    await jobEnded(simulator, jobUuid);
    await client.pollJob(jobUuid);
    await jobEnded(simulator, successorJobUuid(jobUuid));
    const other = clientFor(simulator);
    try {
      expect(await other.pollJob(jobUuid)).toMatchObject({ state: 'succeeded', jobUuid: successorJobUuid(jobUuid) });
    } finally {
      await other.close();
    }
  });

  it('reports a failed job with the ZStack error code and does not resubmit it', async () => {
    simulator.failNext('CreateVolumeSnapshot', { code: 'VOLUME_SNAPSHOT.1000', details: 'primary storage is full' });
    const jobUuid = await client.startJob(snapshotCall(randomZStackUuid()));
    await jobEnded(simulator, jobUuid);
    const poll = await client.pollJob(jobUuid);
    expect(poll.state).toBe('failed');
    const error = (poll as { error: VendorError }).error;
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ providerKey: PROVIDER_KEY, vendorCode: 'VOLUME_SNAPSHOT.1000', httpStatus: 503, message: 'primary storage is full' });
    expect(simulator.server.requests({ method: 'POST' })).toHaveLength(1);
  });
});

describe('ZStack errors', () => {
  it('keeps the ZStack code of a 503 answer', async () => {
    const error = (await client.query('volume-backups', { conditions: ['noSuchField=1'] }).catch((caught: unknown) => caught)) as VendorError;
    expect(error).toBeInstanceOf(VendorError);
    expect(error.vendorCode).toBe('SYS.1007');
    expect(error.httpStatus).toBe(503);
    expect(error.message).toContain('noSuchField');
  });

  it('keeps the text of a plain-text 400 and 404, without a code', async () => {
    const badLimit = (await client.get('/volume-backups?limit=many').catch((caught: unknown) => caught)) as VendorError;
    expect(badLimit).toBeInstanceOf(VendorError);
    expect(badLimit).toMatchObject({ vendorCode: null, httpStatus: 400 });
    expect(badLimit.message).toBe("Invalid query parameter. 'limit' must be an integer");
    const unknownPath = (await client.get('/no-such-things').catch((caught: unknown) => caught)) as VendorError;
    expect(unknownPath).toMatchObject({ vendorCode: null, httpStatus: 404, message: 'no api mapping to /v1/no-such-things' });
  });

  it('rejects a bad X-Job-UUID before sending anything', async () => {
    await expect(client.startJob(snapshotCall('abc'))).rejects.toThrow(/X-Job-UUID/);
    expect(simulator.server.requests({ method: 'POST' })).toHaveLength(0);
  });

  it('turns a plain-text 500 into a vendor error and a body that is not JSON into a transport error', async () => {
    // A read is retried after a plain-text 500 (not the vendor's answer); the third one is final.
    simulator.server.injectFault({ fault: { type: 'http500text', text: '  upstream crashed \n' }, pathIncludes: '/v1/volumes', times: 3 });
    simulator.server.clearRequests();
    await expect(client.query('volumes')).rejects.toMatchObject({ name: 'VendorError', vendorCode: null, httpStatus: 500, message: 'upstream crashed' });
    expect(simulator.server.requests({ pathIncludes: '/v1/volumes' })).toHaveLength(3);
    simulator.server.injectFault({ fault: { type: 'malformedJson' }, pathIncludes: '/v1/volumes', times: 1 });
    await expect(client.query('volumes')).rejects.toBeInstanceOf(TransportError);
  });

  it('retries a GET once when the connection drops before an answer', async () => {
    await client.query('volumes', { limit: 1 });
    simulator.server.clearRequests();
    simulator.server.injectFault({ fault: { type: 'drop' }, method: 'GET', pathIncludes: '/v1/volume-backups', times: 1 });
    const result = await client.query('volume-backups');
    expect(result.inventories.length).toBeGreaterThan(0);
    expect(simulator.server.requests({ pathIncludes: '/v1/volume-backups' }).map((entry) => entry.status)).toEqual([0, 200]);
  });

  it('resends an async POST whose answer was lost under the same X-Job-UUID: one job, followed, nothing created twice', async () => {
    await client.query('volumes', { limit: 1 });
    simulator.server.clearRequests();
    const createdBefore = simulator.server.creationCount;
    simulator.server.injectFault({ fault: { type: 'dropAfterHandling' }, method: 'POST', times: 1 });
    const jobUuid = randomZStackUuid();
    expect(await client.startJob(snapshotCall(jobUuid))).toBe(jobUuid);
    const posts = simulator.server.requests({ method: 'POST' });
    expect(posts.map((post) => post.headers['x-job-uuid'])).toEqual([jobUuid, jobUuid]);
    expect((await client.waitForJob(jobUuid, 5_000)).state).toBe('succeeded');
    expect(simulator.server.creationCount).toBe(createdBefore + 1);
    expect(simulator.server.duplicateCreations()).toEqual([]);
  });
});
