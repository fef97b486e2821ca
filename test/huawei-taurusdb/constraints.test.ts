import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError, VendorError } from '../../src/domain/errors.js';
import type { CreateDatabaseBackupRequest } from '../../src/domain/provider.js';
import { startRig, unknownId, type Rig } from './harness.js';
import { signedJson } from './raw-client.js';
import { jobRecord } from '../support/job-record.js';

describe('TaurusDB create-backup constraints, checked before any upstream call', () => {
  let rig: Rig;
  let instanceId: string;
  beforeAll(async () => {
    rig = await startRig();
    instanceId = [...rig.sim.state.instances.values()][0]!.id;
  });
  afterAll(() => rig.close());
  beforeEach(() => rig.sim.server.clearRequests());

  const valid = (): CreateDatabaseBackupRequest => ({ instanceId, name: 'nightly-backup_1', description: null, idempotencyKey: null });

  const cases: [string, Partial<CreateDatabaseBackupRequest>, { field: string; rule: string; vendorCode: string }][] = [
    ['a name of 3 characters', { name: 'abc' }, { field: 'name', rule: 'length', vendorCode: 'DBS.280277' }],
    ['a name of 65 characters', { name: `a${'b'.repeat(64)}` }, { field: 'name', rule: 'length', vendorCode: 'DBS.280277' }],
    ['a name starting with a digit', { name: '1backup' }, { field: 'name', rule: 'pattern', vendorCode: 'DBS.280277' }],
    ['a name starting with an underscore', { name: '_backup' }, { field: 'name', rule: 'pattern', vendorCode: 'DBS.280277' }],
    ['a name with a dot', { name: 'back.up' }, { field: 'name', rule: 'pattern', vendorCode: 'DBS.280277' }],
    ['a name with a space', { name: 'back up' }, { field: 'name', rule: 'pattern', vendorCode: 'DBS.280277' }],
    ['a description of 257 characters', { description: 'd'.repeat(257) }, { field: 'description', rule: 'length', vendorCode: 'DBS.280127' }],
    ...[...'!<"=\'>&\r'].map(
      (char): [string, Partial<CreateDatabaseBackupRequest>, { field: string; rule: string; vendorCode: string }] => [
        `a description containing ${JSON.stringify(char)}`,
        { description: `before ${char} after` },
        { field: 'description', rule: 'forbiddenCharacters', vendorCode: 'DBS.280127' },
      ],
    ),
    ['an instance id of 35 characters', { instanceId: `${'a'.repeat(31)}in07` }, { field: 'instanceId', rule: 'format', vendorCode: 'DBS.280404' }],
    ['an instance id not ending in in07', { instanceId: `${'a'.repeat(32)}in01` }, { field: 'instanceId', rule: 'format', vendorCode: 'DBS.280404' }],
    ['an instance id with a path separator', { instanceId: `${'a'.repeat(28)}/../in07` }, { field: 'instanceId', rule: 'format', vendorCode: 'DBS.280404' }],
  ];

  it.each(cases)('refuses %s without calling TaurusDB', async (_label, change, expected) => {
    const error = await rig.provider.createDatabaseBackup({ ...valid(), ...change }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject(expected);
    expect(rig.sim.server.requests()).toHaveLength(0);
  });

  it('accepts the boundaries: 4 and 64 character names, a 256 character description', async () => {
    const names = ['abcd', `a${'b'.repeat(63)}`];
    const instances = [...rig.sim.state.instances.values()];
    for (const [index, name] of names.entries()) {
      const started = await rig.provider.createDatabaseBackup({ ...valid(), instanceId: instances[index]!.id, name, description: 'x'.repeat(256) });
      expect(started.resource?.type).toBe('Backup');
    }
    expect(rig.sim.server.requests({ method: 'POST' })).toHaveLength(2);
  });

  it('the simulator applies the same rules with the vendor codes when called directly', async () => {
    const answer = await signedJson(rig.sim.url, 'POST', '/backups/create', { instance_id: instanceId, name: '1bad' });
    expect(answer).toEqual({ status: 400, body: { error_code: 'DBS.280277', error_msg: 'Invalid object name.' } });
    const description = await signedJson(rig.sim.url, 'POST', '/backups/create', { instance_id: instanceId, name: 'good-name', description: 'a=b' });
    expect(description).toEqual({ status: 400, body: { error_code: 'DBS.280127', error_msg: 'Invalid backup description.' } });
    const format = await signedJson(rig.sim.url, 'POST', '/backups/create', { instance_id: 'nope', name: 'good-name' });
    expect(format).toEqual({ status: 400, body: { error_code: 'DBS.280404', error_msg: 'Invalid DB instance ID or node ID format.' } });
  });

  it('keeps the vendor code and status of service-side refusals', async () => {
    const error = await rig.provider
      .createDatabaseBackup({ ...valid(), instanceId: unknownId('in07') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ vendorCode: 'DBS.200002', httpStatus: 404, providerKey: 'acme/hw-db' });
  });

  it('knows its id formats; other resource types never reach a URL', () => {
    const p = rig.provider;
    expect(p.isValidId('DatabaseInstance', `${'0123456789abcdef'.repeat(2)}in07`)).toBe(true);
    expect(p.isValidId('DatabaseInstance', `${'0123456789abcdef'.repeat(2)}br07`)).toBe(false);
    expect(p.isValidId('Backup', `${'0123456789abcdef'.repeat(2)}br07`)).toBe(true);
    expect(p.isValidId('Backup', `${'0123456789abcdef'.repeat(2)}br01`)).toBe(true);
    expect(p.isValidId('Backup', '2f4ddb93-b901-4b08-93d8-1d2e472f30fe')).toBe(true);
    expect(p.isValidId('Backup', `${'0123456789abcdef'.repeat(2)}in07`)).toBe(false);
    expect(p.isValidId('Backup', '../../instances')).toBe(false);
    expect(p.isValidId('Volume', `${'0123456789abcdef'.repeat(2)}br07`)).toBe(false);
    expect(p.isValidId('Snapshot', '2f4ddb93-b901-4b08-93d8-1d2e472f30fe')).toBe(false);
  });

  it('answers invalid ids without a request: null reads, NotFoundError on delete', async () => {
    expect(await rig.provider.getBackups(['../x', 'br07'])).toEqual([null, null]);
    expect(await rig.provider.getDatabaseInstances(['*in07'])).toEqual([null]);
    await expect(rig.provider.deleteBackup('a/b', null)).rejects.toBeInstanceOf(NotFoundError);
    expect(await rig.provider.pollJob(jobRecord({ vendorJobId: 'not-a-uuid', operation: 'createDatabaseBackup' }))).toBeNull();
    expect(rig.sim.server.requests()).toHaveLength(0);
  });
});
