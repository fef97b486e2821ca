import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { jobPath, jobUuidOf, startHarness, type Harness } from './harness.js';

const createBackup = (h: Harness, params: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.call('POST', `/volumes/${DEMO.vmWebData}/volume-backups`, {
    body: { params: { name: 'nightly', backupStorageUuid: DEMO.imageStoreMain, ...params } },
    headers,
  });

describe('ZStack simulator: async API jobs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  /** Runs `body` against a simulator whose jobs run long enough to be seen running. */
  async function withSlowJobs(body: (slow: Harness) => Promise<void>): Promise<void> {
    const slow = await startHarness({ jobDurationMs: 300 });
    try {
      await body(slow);
    } finally {
      await slow.close();
    }
  }

  it('answers a create with 202 and a management-node location, then the poll goes 202 {} → 200 inventory', () =>
    withSlowJobs(async (h) => {
    const submit = await createBackup(h, {});
    expect(submit.status).toBe(202);
    expect(submit.json.location).toMatch(/^http:\/\/zstack-mn\.invalid:8080\/zstack\/v1\/api-jobs\/[0-9a-f]{32}$/);
    expect(submit.json.apiTimeout).toBe(24 * 3_600_000);

    const running = await h.get(jobPath(submit.json.location));
    expect(running.status).toBe(202);
    expect(running.json).toEqual({});

    const done = await h.finish(submit.json.location);
    expect(done.status).toBe(200);
    expect(done.json.inventory).toMatchObject({ name: 'nightly', volumeUuid: DEMO.vmWebData, state: 'Enabled', status: 'Ready', type: 'Data' });
    expect(done.json.inventory.size).toBeGreaterThan(0);
    expect(done.json.inventory.backupStorageRefs).toEqual([expect.objectContaining({ backupStorageUuid: DEMO.imageStoreMain, status: 'Ready' })]);
    // A job's result does not change however often it is polled.
    expect((await h.get(jobPath(submit.json.location))).json).toEqual(done.json);
    }));

  it('shows a running backup as Disabled/Creating with size 0 to queries', () =>
    withSlowJobs(async (h) => {
    const submit = await createBackup(h, { resourceUuid: 'a'.repeat(12) + '4' + 'a'.repeat(3) + '8' + 'a'.repeat(15) });
    const uuid = `${'a'.repeat(12)}4${'a'.repeat(3)}8${'a'.repeat(15)}`;
    const running = await h.call('GET', `/volume-backups/${uuid}`);
    expect(running.json.inventories).toEqual([expect.objectContaining({ uuid, state: 'Disabled', status: 'Creating', size: 0, backupStorageRefs: [] })]);
    expect((await h.finish(submit.json.location)).json.inventory.uuid).toBe(uuid);
    }));

  it('uses X-Job-UUID as the job uuid and refuses a reused or malformed one with plain-text 400', async () => {
    const jobUuid = 'f'.repeat(32);
    const first = await createBackup(h, {}, { 'X-Job-UUID': jobUuid });
    expect(jobUuidOf(first.json.location)).toBe(jobUuid);
    const again = await createBackup(h, {}, { 'X-Job-UUID': jobUuid });
    expect(again.status).toBe(400);
    expect(again.text).toBe(`Duplicate job uuid[${jobUuid}]`);
    const short = await createBackup(h, {}, { 'X-Job-UUID': 'abc' });
    expect(short.status).toBe(400);
    expect(short.text).toBe("Invalid header[X-Job-UUID], it must be a UUID with '-' stripped");
  });

  it('answers the job path: 404 for an unknown job, 405 for other methods, no credentials needed', async () => {
    const unknown = await h.get(`/zstack/v1/api-jobs/${'e'.repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('the job has been expired');
    const submit = await createBackup(h, {});
    const del = await fetch(`${new URL(h.sim.url).origin}${jobPath(submit.json.location)}`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(await del.text()).toBe('only GET method is allowed for querying job status');
  });

  it('reports argument and resource errors after the 202, as the job result', async () => {
    const noName = await createBackup(h, { name: undefined });
    expect(noName.status).toBe(202);
    const failed = await h.finish(noName.json.location);
    expect(failed.status).toBe(503);
    expect(failed.json.error).toMatchObject({ code: 'SYS.1007', details: expect.stringContaining('field[name]') });

    const slow = await h.finish((await createBackup(h, { volumeReadBandwidth: 10 })).json.location);
    expect(slow.json.error).toMatchObject({ code: 'SYS.1007', details: 'field[volumeReadBandwidth] must be in range of [1024 Bps, 9223372036854775807 Bps]' });

    const noStore = await h.finish((await createBackup(h, { backupStorageUuid: 'b'.repeat(32) })).json.location);
    expect(noStore.json.error).toMatchObject({ code: 'SYS.1003', details: expect.stringContaining('BackupStorageVO') });

    const missingVolume = await h.call('POST', `/volumes/${'c'.repeat(32)}/volume-backups`, {
      body: { params: { name: 'x', backupStorageUuid: DEMO.imageStoreMain } },
    });
    expect((await h.finish(missingVolume.json.location)).json.error.code).toBe('SYS.1003');
  });

  it('rejects a non-integer bandwidth before the job exists, with a plain-text 400', async () => {
    const reply = await createBackup(h, { networkReadBandwidth: 'fast' });
    expect(reply.status).toBe(400);
    expect(reply.text).toBe('[networkReadBandwidth] field is excepted an int or long, but was [fast].');
  });

  it('makes the next job fail on failNext: the rows vanish and the poll answers 503', async () => {
    const before = h.sim.state.volumeBackups.size;
    h.sim.failNext('CreateVolumeBackup');
    const submit = await createBackup(h, {});
    expect(h.sim.state.volumeBackups.size).toBe(before + 1);
    const failed = await h.finish(submit.json.location);
    expect(failed.status).toBe(503);
    expect(failed.json.error.code).toBe('SYS.1006');
    expect(h.sim.state.volumeBackups.size).toBe(before);
    // Only the next one: the following job succeeds.
    expect((await h.finish((await createBackup(h, {})).json.location)).status).toBe(200);
  });

  it('fails with a custom error, and fails as many jobs as asked', async () => {
    h.sim.failNext('CreateVolumeSnapshot', { code: 'VOL_SNAPSHOT.1000', details: 'primary storage is full' }, 2);
    const results = [];
    for (let index = 0; index < 3; index += 1) {
      const submit = await h.call('POST', `/volumes/${DEMO.vmDbRoot}/volume-snapshots`, { body: { params: { name: `s${index}` } } });
      results.push(await h.finish(submit.json.location));
    }
    expect(results.map((result) => result.status)).toEqual([503, 503, 200]);
    expect(results[0]!.json.error).toEqual({ code: 'VOL_SNAPSHOT.1000', description: 'VOL_SNAPSHOT.1000', details: 'primary storage is full' });
    expect([...h.sim.state.snapshots.values()].filter((s) => s.volumeUuid === DEMO.vmDbRoot).map((s) => s.name)).toEqual(['s2']);
  });

  it('echoes X-API-Timeout (seconds) as apiTimeout in ms', async () => {
    expect((await createBackup(h, {}, { 'X-API-Timeout': '90' })).json.apiTimeout).toBe(90_000);
    const bad = await createBackup(h, {}, { 'X-API-Timeout': 'soon' });
    expect(bad.status).toBe(500);
  });

  it('adds the schema member to a job result only when the submit sent X-JSON-Schema', async () => {
    const withSchema = await h.finish((await createBackup(h, {}, { 'X-JSON-Schema': 'true' })).json.location);
    expect(withSchema.json.schema).toEqual({
      inventory: 'org.zstack.header.storage.volume.backup.VolumeBackupInventory',
      'inventory.backupStorageRefs[0]': 'org.zstack.header.storage.volume.backup.VolumeBackupStorageRefInventory',
    });
    const without = await h.finish((await createBackup(h, {})).json.location);
    expect(without.json).not.toHaveProperty('schema');
  });

  it('answers an unknown path with plain-text 404 naming the /v1 path', async () => {
    const reply = await h.call('GET', '/no-such-things');
    expect(reply.status).toBe(404);
    expect(reply.text).toBe('no api mapping to /v1/no-such-things');
  });
});
