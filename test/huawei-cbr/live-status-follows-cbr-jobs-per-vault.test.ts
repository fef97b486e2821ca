import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateVolumeBackupDocument } from '../../schema/client/graphql.js';
import type { LoggedRequest } from '../../src/simulators/kit/index.js';
import type { CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import { cbrTime, DISK_TYPE, newId } from '../../src/simulators/huawei/cbr/state.js';
import { startStack, type Stack } from '../support/stack.js';
import { awaitJobEnd, idOf, TENANT } from '../cross-vendor/three-vendors.js';

/**
 * Creates in flight are followed per vault: each poll round asks CBR for one backup listing per vault
 * that has jobs moving (`vault_id`), not one per job (`checkpoint_id`), and every job still ends
 * with the backup its own checkpoint made. Counted from the simulator's request log, round by round.
 */

/** A disk vault holding `disks` new disks, made in the simulator's world. */
function diskVault(sim: CbrSimulator, name: string, disks: number): { id: string; diskIds: string[] } {
  const made = Array.from({ length: disks }, (_, n) => sim.addDisk({ name: `${name}-disk-${n}` }));
  const id = newId();
  sim.state.vaults.set(id, {
    id,
    name,
    description: '',
    object_type: 'disk',
    size: 1000,
    status: 'available',
    resources: made.map((d) => ({ id: d.id, type: DISK_TYPE, name: d.name, protect_status: 'available' })),
    created_at: cbrTime.zoneless(Date.now()),
  });
  return { id, diskIds: made.map((d) => d.id) };
}

/** The requests CBR saw in each of the next `count` poll rounds (from one round's end to the next's). */
function nextRounds(stack: Stack, count: number): Promise<LoggedRequest[][]> {
  const log = stack.cbr!.server;
  const marks: number[] = [];
  return new Promise((resolve) => {
    const stop = stack.gateway.watcher.onTick(() => {
      marks.push(log.requests().length);
      if (marks.length <= count) return;
      stop();
      const all = log.requests();
      resolve(marks.slice(1).map((end, n) => all.slice(marks[n], end)));
    });
  });
}

/** The backup listings that follow jobs: by vault (per vault) or by checkpoint (per job). */
function jobListings(round: LoggedRequest[]): LoggedRequest[] {
  return round.filter((r) => r.method === 'GET' && r.path.endsWith('/backups') && (r.query.has('vault_id') || r.query.has('checkpoint_id')));
}

describe('CBR jobs followed per vault', () => {
  let stack: Stack;
  beforeEach(async () => {
    // Checkpoints take 3 s, so every create is still in flight during the rounds measured.
    stack = await startStack({ tenant: TENANT, zstack: false, cbr: { jobDurationMs: 3_000 }, extra: { watcher: { minIntervalMs: 40, maxIntervalMs: 40 } } });
  });
  afterEach(() => stack.close());

  const create = async (diskId: string, name: string) => {
    const answer = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: idOf('Volume', 'cbr', diskId), name } });
    const created = answer.body.data!.createVolumeBackup;
    if (created.__typename !== 'CreateVolumeBackupSuccess') throw new Error(`create refused: ${created.__typename}`);
    return { diskId, name, jobId: created.job.id };
  };

  /** Every create ends SUCCEEDED with the backup its checkpoint made of its disk. */
  const expectEachEndsWithItsBackup = async (creates: { diskId: string; name: string; jobId: string }[]) => {
    for (const { diskId, name, jobId } of creates) {
      const made = [...stack.cbr!.state.backups.values()].filter((b) => b.resource_id === diskId && b.name === name);
      expect(made).toHaveLength(1);
      const job = await awaitJobEnd(stack, jobId);
      expect(job).toMatchObject({ status: 'SUCCEEDED', error: null, resource: { __typename: 'Backup', id: idOf('Backup', 'cbr', made[0]!.id), status: 'AVAILABLE' } });
    }
  };

  it('five creates in one vault cost one backup listing of that vault per round, and each job ends with its own backup', async () => {
    const vault = diskVault(stack.cbr!, 'vault-many', 5);
    const creates = [];
    for (const [n, diskId] of vault.diskIds.entries()) creates.push(await create(diskId, `many-${n}`));

    const rounds = await nextRounds(stack, 3);
    const checkpoints = creates.map(({ diskId }) => [...stack.cbr!.state.backups.values()].find((b) => b.resource_id === diskId)!);
    expect(checkpoints.map((b) => b.status)).toEqual(Array(5).fill('protecting'));
    for (const round of rounds) {
      const listings = jobListings(round);
      expect(listings.map((r) => r.query.get('vault_id'))).toEqual([vault.id]);
      expect(listings[0]!.query.get('start_time')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    await expectEachEndsWithItsBackup(creates);
  });

  it('creates in two vaults cost two listings per round, one per vault', async () => {
    const first = diskVault(stack.cbr!, 'vault-first', 3);
    const second = diskVault(stack.cbr!, 'vault-second', 2);
    const creates = [];
    for (const [n, diskId] of [...first.diskIds, ...second.diskIds].entries()) creates.push(await create(diskId, `two-vaults-${n}`));

    const rounds = await nextRounds(stack, 3);
    for (const round of rounds) {
      expect(jobListings(round).map((r) => r.query.get('vault_id')).sort()).toEqual([first.id, second.id].sort());
    }
    await expectEachEndsWithItsBackup(creates);
  });
});
