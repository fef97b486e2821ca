import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startHarness, type Harness } from './harness.js';

describe('ZStack simulator: volume snapshots', () => {
  let h: Harness;
  beforeEach(async () => {
    // Long enough for a query to see a job's intermediate state.
    h = await startHarness({ jobDurationMs: 250 });
  });
  afterEach(() => h.close());

  const snapshotsOf = async (volumeUuid: string) =>
    (await h.call('GET', `/volume-snapshots?q=volumeUuid=${volumeUuid}&sort=distance`)).json.inventories as Record<string, any>[];

  it('chains new snapshots under the latest one of the volume', async () => {
    const first = await h.call('POST', `/volumes/${DEMO.vmDbData}/volume-snapshots`, { body: { params: { name: 'one', description: 'first' } } });
    expect(first.json.apiTimeout).toBe(3 * 3_600_000);
    const one = (await h.finish(first.json.location)).json.inventory;
    expect(one).toMatchObject({ name: 'one', description: 'first', status: 'Ready', latest: true, distance: 0, volumeType: 'Data', type: 'Hypervisor' });
    expect(one).not.toHaveProperty('parentUuid');
    const two = (await h.finish((await h.call('POST', `/volumes/${DEMO.vmDbData}/volume-snapshots`, { body: { params: { name: 'two' } } })).json.location)).json
      .inventory;
    expect(two).toMatchObject({ parentUuid: one.uuid, treeUuid: one.treeUuid, distance: 1, latest: true });
    const stored = await snapshotsOf(DEMO.vmDbData);
    expect(stored.map((s) => [s.name, s.latest])).toEqual([
      ['one', false],
      ['two', true],
    ]);
  });

  it('honours resourceUuid and refuses a malformed one', async () => {
    const uuid = '0123456789ab4def8123456789abcdef';
    const made = await h.finish((await h.call('POST', `/volumes/${DEMO.vmDbLog}/volume-snapshots`, { body: { params: { name: 'mine', resourceUuid: uuid } } })).json.location);
    expect(made.json.inventory.uuid).toBe(uuid);
    const bad = await h.finish((await h.call('POST', `/volumes/${DEMO.vmDbLog}/volume-snapshots`, { body: { params: { name: 'x', resourceUuid: 'not-a-uuid' } } })).json.location);
    expect(bad.json.error.code).toBe('SYS.1007');
    const long = await h.finish((await h.call('POST', `/volumes/${DEMO.vmDbLog}/volume-snapshots`, { body: { params: { name: 'n'.repeat(256) } } })).json.location);
    expect(long.json.error.details).toBe(
      'field[name] of message[org.zstack.header.volume.APICreateVolumeSnapshotMsg] exceeds max length of string. expected was <= 255, actual was 256',
    );
  });

  it('deletes a snapshot with its descendants, Deleting while the job runs', async () => {
    const chain = await snapshotsOf(DEMO.vmWebRoot);
    expect(chain.map((s) => s.name)).toEqual(['before-upgrade', 'after-upgrade', 'before-deploy']);
    const seen: string[] = [];
    h.sim.state.onChange((change) => {
      if (change.kind === 'volumeSnapshot') seen.push(`${change.change}:${h.sim.state.snapshots.get(change.uuid)?.status ?? 'gone'}`);
    });
    const submit = await h.call('DELETE', `/volume-snapshots/${chain[1]!.uuid}?deleteMode=Permissive`);
    expect(submit.json.apiTimeout).toBe(6 * 3_600_000);
    expect((await snapshotsOf(DEMO.vmWebRoot)).map((s) => s.status)).toEqual(['Ready', 'Deleting', 'Deleting']);
    const done = await h.finish(submit.json.location);
    expect(done.status).toBe(200);
    expect(done.json).toEqual({});
    const left = await snapshotsOf(DEMO.vmWebRoot);
    expect(left.map((s) => [s.name, s.latest])).toEqual([['before-upgrade', true]]);
    expect(seen).toContain('removed:gone');
  });

  it('succeeds at once when deleting a snapshot that does not exist', async () => {
    const submit = await h.call('DELETE', `/volume-snapshots/${'0123456789ab4def8123456789abcdee'}`);
    expect(submit.status).toBe(202);
    const done = await h.finish(submit.json.location);
    expect(done.status).toBe(200);
    expect(done.json).toEqual({});
  });

  it('restores the statuses when a delete fails', async () => {
    const [root] = await snapshotsOf(DEMO.vmWebRoot);
    h.sim.failNext('DeleteVolumeSnapshot');
    const failed = await h.finish((await h.call('DELETE', `/volume-snapshots/${root!.uuid}`)).json.location);
    expect(failed.status).toBe(503);
    expect((await snapshotsOf(DEMO.vmWebRoot)).map((s) => s.status)).toEqual(['Ready', 'Ready', 'Ready']);
  });
});
