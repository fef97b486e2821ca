import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateVolumeBackupDocument, CreateVmBackupDocument, JobStatusDocument } from '../../schema/client/graphql.js';
import { encodeGlobalId } from '../../src/domain/ids.js';
import { createProvider } from '../../src/providers/registry.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startStack, ZSTACK_PASSWORD, type Stack } from '../support/stack.js';

const NODE = 'query($id: ID!) { node(id: $id) { id ... on Volume { name } } }';
// The one volume whose reads break inside the gateway, to see how an unexpected exception surfaces.
const BROKEN_VOLUME = DEMO.spareData;

describe('bad input gets a clear error and changes nothing upstream; failures never leak', () => {
  let stack: Stack;
  let ids: { volume: string; storage: string; rootVolume: string };

  beforeAll(async () => {
    stack = await startStack({
      providerFactory: (tenant, config) => {
        const provider = createProvider(tenant, config);
        const getVolumes = provider.getVolumes!.bind(provider);
        provider.getVolumes = async (vendorIds) => {
          if (vendorIds.includes(BROKEN_VOLUME)) throw new TypeError('cannot read properties of undefined (reading "uuid")');
          return getVolumes(vendorIds);
        };
        return provider;
      },
    });
    ids = {
      volume: encodeGlobalId('Volume', `acme/zs:${DEMO.vmDbData}`),
      rootVolume: encodeGlobalId('Volume', `acme/zs:${DEMO.vmWebRoot}`),
      storage: encodeGlobalId('BackupStorage', `acme/zs:${DEMO.imageStoreMain}`),
    };
  });
  afterAll(() => stack.close());

  it.each([
    ['not base64 at all', '!!!'],
    ['base64 of nonsense', Buffer.from('nonsense').toString('base64url')],
    ['an unknown type', encodeGlobalId('Planet', `acme/zs:${DEMO.vmDbData}`)],
    ['an unknown provider', encodeGlobalId('Volume', `acme/nope:${DEMO.vmDbData}`)],
  ])('answers a malformed or unknown id (%s) with null or a GraphQL error, never a 500', async (_case, id) => {
    const response = await stack.graphql<{ node: unknown }>(NODE, { id });
    expect(response.status).toBeLessThan(500);
    const error = response.body.errors?.[0];
    if (error) expect(error.message).not.toBe('Unexpected error.');
    else expect(response.body.data?.node).toBeNull();
  });

  it.each([
    ['a 33-character id', `${DEMO.vmDbData}0`],
    ['upper case', DEMO.vmDbData.toUpperCase()],
    ['a path', '../../v1/accounts/login'],
    ['a query string', `${DEMO.vmDbData}?q=uuid!=x`],
  ])('never puts a vendor id that is not 32 lowercase hex (%s) into an upstream URL', async (_case, vendorId) => {
    stack.clearUpstreamRequests();
    const id = encodeGlobalId('Volume', `acme/zs:${vendorId}`);
    const read = await stack.graphql<{ node: unknown }>(NODE, { id });
    expect(read.body.data?.node).toBeNull();
    const write = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: id, backupStorageId: ids.storage, name: 'x' } });
    expect(write.body.data?.createVolumeBackup).toMatchObject({ __typename: 'NotFoundError', id });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses a name over 255 characters with ValidationError(field, rule) and no upstream call', async () => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql(CreateVolumeBackupDocument, {
      input: { volumeId: ids.volume, backupStorageId: ids.storage, name: 'n'.repeat(256) },
    });
    expect(response.body.data?.createVolumeBackup).toMatchObject({
      __typename: 'ValidationError',
      field: 'name',
      rule: 'maxLength',
      vendorCode: 'SYS.1007',
      message: expect.stringContaining('255'),
    });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('refuses a backup storage of another provider kind of input before calling the vendor', async () => {
    stack.clearUpstreamRequests();
    const response = await stack.graphql(CreateVolumeBackupDocument, {
      input: { volumeId: ids.volume, backupStorageId: ids.volume, name: 'wrong-storage' },
    });
    expect(response.body.data?.createVolumeBackup).toMatchObject({ __typename: 'NotFoundError', id: ids.volume });
    expect(stack.upstreamRequests()).toEqual([]);
  });

  it('keeps the ZStack code of a vendor refusal: SYS.1007 answered at submit', async () => {
    stack.zstack!.server.injectFault({
      method: 'POST',
      pathIncludes: '/vm-backups',
      times: 1,
      fault: { type: 'vendorError', status: 503, body: { error: { code: 'SYS.1007', description: 'One or more API argument is invalid', details: 'invalid parallelism' } } },
    });
    const response = await stack.graphql(CreateVmBackupDocument, {
      input: { rootVolumeId: ids.rootVolume, backupStorageId: ids.storage, name: 'refused' },
    });
    expect(response.body.data?.createVmBackup).toMatchObject({
      __typename: 'VendorError',
      vendorCode: 'SYS.1007',
      httpStatus: 503,
      provider: { name: 'zs' },
    });
  });

  it('keeps the ZStack code of a job that fails after it started', async () => {
    stack.zstack!.failNext('CreateVolumeBackup', { code: 'SYS.1006', details: 'image store is full' });
    const created = await stack.graphql(CreateVolumeBackupDocument, {
      input: { volumeId: ids.volume, backupStorageId: ids.storage, name: 'doomed' },
    });
    const result = created.body.data!.createVolumeBackup;
    if (result.__typename !== 'CreateVolumeBackupSuccess') throw new Error(`unexpected ${result.__typename}`);
    const job = result.job;
    const done = await stack.gateway.jobs.whenFinished('acme/zs', job.vendorId);
    expect(done.status).toBe('FAILED');
    const status = await stack.graphql(JobStatusDocument, { id: job.id });
    expect(status.body.data?.job).toMatchObject({ status: 'FAILED', error: { vendorCode: 'SYS.1006' } });
    expect(status.body.data?.job?.error?.message).toContain('image store is full');
  });

  it('reports a vendor answering garbage as UPSTREAM_UNAVAILABLE for that field, naming the provider', async () => {
    stack.zstack!.server.injectFault({ method: 'GET', pathIncludes: '/volumes', times: 2, fault: { type: 'malformedJson' } });
    const response = await stack.graphql<{ node: unknown }>(NODE, { id: ids.volume });
    expect(response.status).toBe(200);
    expect(response.body.data?.node).toBeNull();
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'zs' });
  });

  it('masks an unexpected exception for the client and logs it with the request id', async () => {
    const response = await stack.graphql<{ node: unknown }>(NODE, { id: encodeGlobalId('Volume', `acme/zs:${BROKEN_VOLUME}`) }, {
      headers: { 'x-request-id': 'req-masking-1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-masking-1');
    const [error] = response.body.errors!;
    expect(error).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-masking-1' } });
    expect(JSON.stringify(response.body)).not.toContain('reading "uuid"');
    const logged = stack.logs.map((line) => JSON.parse(line) as { level: number; requestId?: string; err?: { message: string } });
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, requestId: 'req-masking-1', err: expect.objectContaining({ message: expect.stringContaining('reading "uuid"') }) }));
  });

  it('never writes a password, its hash, a session id or an API key into any log line', async () => {
    // Sessions end with the gateway; read them while they exist.
    const sessionIds = [...stack.zstack!.state.sessions.keys()];
    expect(sessionIds.length).toBeGreaterThan(0);
    const secrets = [ZSTACK_PASSWORD, createHash('sha512').update(ZSTACK_PASSWORD).digest('hex'), stack.apiKey, ...sessionIds];
    const everything = stack.logs.join('\n');
    expect(stack.logs.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
