import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError, VendorError } from '../../src/domain/errors.js';
import { UpstreamHttp } from '../../src/infrastructure/upstream-http.js';
import { huaweiRequest } from '../../src/providers/huawei/auth/request.js';
import type { CreateVolumeBackupRequest } from '../../src/domain/provider.js';
import { KEY, PROJECT_ID, startVbs } from './helpers.js';

type Started = Awaited<ReturnType<typeof startVbs>>;

describe('VBS create-backup constraints', () => {
  let env: Started;
  let volumeId: string;
  beforeAll(async () => {
    env = await startVbs();
    volumeId = [...env.sim.state.volumes.values()].find((v) => v.status === 'available')!.id;
  });
  beforeEach(() => env.sim.server.clearRequests());
  afterAll(() => env.close());

  const request = (overrides: Partial<CreateVolumeBackupRequest>): CreateVolumeBackupRequest => ({
    volumeId,
    name: 'nightly',
    description: null,
    backupStorageId: null,
    snapshotId: null,
    bandwidth: null,
    tags: [],
    idempotencyKey: null,
    ...overrides,
  });

  const cases: [string, Partial<CreateVolumeBackupRequest>, string, string, string | null][] = [
    ['an empty name', { name: '' }, 'name', 'required', 'VolumeBackup.0007'],
    ['a 65-character name', { name: 'n'.repeat(65) }, 'name', 'maxLength', 'VolumeBackup.0003'],
    ['a name with a dot', { name: 'db.nightly' }, 'name', 'pattern', 'VolumeBackup.0004'],
    ['a name with a space', { name: 'db nightly' }, 'name', 'pattern', 'VolumeBackup.0004'],
    ['a name starting with auto', { name: 'automatic-1' }, 'name', 'reservedPrefix', 'VolumeBackup.0005'],
    ['a 65-character description', { description: 'd'.repeat(65) }, 'description', 'maxLength', 'VolumeBackup.0006'],
    ['a description with <', { description: 'a <b>' }, 'description', 'forbiddenCharacters', 'VolumeBackup.0006'],
    ['a 37-character tag key', { tags: [{ key: 'k'.repeat(37), value: 'v' }] }, 'tags[0].key', 'length', 'VolumeBackup.0049'],
    ['an empty tag key', { tags: [{ key: '', value: 'v' }] }, 'tags[0].key', 'length', 'VolumeBackup.0049'],
    ['a 44-character tag value', { tags: [{ key: 'k', value: 'v'.repeat(44) }] }, 'tags[0].value', 'maxLength', 'VolumeBackup.0049'],
    ['a tag value with =', { tags: [{ key: 'ok', value: 'a' }, { key: 'k', value: 'a=b' }] }, 'tags[1].value', 'forbiddenCharacters', 'VolumeBackup.0049'],
    ['a tag key with a control character', { tags: [{ key: 'a\tb', value: '' }] }, 'tags[0].key', 'forbiddenCharacters', 'VolumeBackup.0049'],
    ['a tag key with /', { tags: [{ key: 'a/b', value: '' }] }, 'tags[0].key', 'forbiddenCharacters', 'VolumeBackup.0049'],
    ['a volume id that is not a UUID', { volumeId: '../../etc' }, 'volumeId', 'format', 'VolumeBackup.0011'],
    ['a backup storage', { backupStorageId: 'bs-1' }, 'backupStorageId', 'unsupported', null],
  ];

  it.each(cases)('refuses %s before any upstream request', async (_what, overrides, field, rule, vendorCode) => {
    const error = await env.provider.createVolumeBackup(request(overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field, rule, vendorCode });
    expect(env.sim.server.requests()).toHaveLength(0);
  });

  it('accepts the limits themselves: 64-character name, 64-character description, empty tag value', async () => {
    const started = await env.provider.createVolumeBackup(
      request({ name: `a${'b'.repeat(63)}`, description: 'd'.repeat(64), tags: [{ key: 'k'.repeat(36), value: '' }, { key: 'env', value: 'v'.repeat(43) }] }),
    );
    expect(started.vendorJobId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('the simulator answers the same rules with the vendor code and status when the gateway is bypassed', async () => {
    const http = new UpstreamHttp(env.sim.url, { timeoutMs: 2_000 });
    try {
      const send = (backup: unknown) =>
        huaweiRequest(http, KEY, { providerKey: 'acme/hw-vbs', method: 'POST', path: `/v2/${PROJECT_ID}/cloudbackups`, projectId: PROJECT_ID, body: { backup } }).catch((e: unknown) => e);
      expect(await send({ volume_id: volumeId, name: 'autobk_x' })).toMatchObject({ vendorCode: 'VolumeBackup.0005', httpStatus: 400 });
      expect(await send({ volume_id: volumeId, name: 'x', tags: [{ key: 'a|b', value: '' }] })).toMatchObject({ vendorCode: 'VolumeBackup.0049' });
      expect(await send({ volume_id: 'nope', name: 'x' })).toMatchObject({ vendorCode: 'VolumeBackup.0011' });
      expect(await send({ name: 'x' })).toMatchObject({ vendorCode: 'VolumeBackup.0010' });
      expect(await send('not an object')).toBeInstanceOf(VendorError);
    } finally {
      await http.close();
    }
  });
});
