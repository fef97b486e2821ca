import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

/** The requests `sim` saw in each of the gateway's next `count` poll rounds (from one round's end to the next's). */
function nextRounds(stack: Stack, count: number, sim: CbrSimulator = stack.cbr!): Promise<LoggedRequest[][]> {
  const marks: number[] = [];
  return new Promise((resolve) => {
    const stop = stack.gateway.watcher.onTick(() => {
      marks.push(sim.server.requests().length);
      if (marks.length <= count) return;
      stop();
      const all = sim.server.requests();
      resolve(marks.slice(1).map((end, n) => all.slice(marks[n], end)));
    });
  });
}

/** The backup listings that follow jobs: by vault (per vault) or by checkpoint (per job). */
function jobListings(round: LoggedRequest[]): LoggedRequest[] {
  return round.filter((r) => r.method === 'GET' && r.path.endsWith('/backups') && (r.query.has('vault_id') || r.query.has('checkpoint_id')));
}

interface Created {
  diskId: string;
  name: string;
  jobId: string;
}

async function create(stack: Stack, diskId: string, name: string): Promise<Created> {
  const answer = await stack.graphql(CreateVolumeBackupDocument, { input: { volumeId: idOf('Volume', 'cbr', diskId), name } });
  const created = answer.body.data!.createVolumeBackup;
  if (created.__typename !== 'CreateVolumeBackupSuccess') throw new Error(`create refused: ${created.__typename}`);
  return { diskId, name, jobId: created.job.id };
}

/** Every create ends SUCCEEDED, on `follower`, with the backup its checkpoint made of its disk. */
async function expectEachEndsWithItsBackup(follower: Stack, sim: CbrSimulator, creates: readonly Created[]): Promise<void> {
  for (const { diskId, name, jobId } of creates) {
    const made = [...sim.state.backups.values()].filter((b) => b.resource_id === diskId && b.name === name);
    expect(made).toHaveLength(1);
    const job = await awaitJobEnd(follower, jobId);
    expect(job).toMatchObject({ status: 'SUCCEEDED', error: null, resource: { __typename: 'Backup', id: idOf('Backup', 'cbr', made[0]!.id), status: 'AVAILABLE' } });
  }
}

const FAST_ROUNDS = { watcher: { minIntervalMs: 40, maxIntervalMs: 40 } };

describe('CBR jobs followed per vault', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  /** Checkpoints take 3 s, so every create is still in flight during the rounds measured. */
  const startCbrStack = async (extra: Partial<NonNullable<Parameters<typeof startStack>[0]>> = {}) => {
    const stack = await startStack({ tenant: TENANT, zstack: false, cbr: { jobDurationMs: 3_000 }, extra: FAST_ROUNDS, ...extra });
    cleanups.push(() => stack.close());
    return stack;
  };

  it('five creates in one vault cost one backup listing of that vault per round, and each job ends with its own backup', async () => {
    const stack = await startCbrStack();
    const vault = diskVault(stack.cbr!, 'vault-many', 5);
    const creates = [];
    for (const [n, diskId] of vault.diskIds.entries()) creates.push(await create(stack, diskId, `many-${n}`));

    const rounds = await nextRounds(stack, 3);
    const backups = creates.map(({ diskId }) => [...stack.cbr!.state.backups.values()].find((b) => b.resource_id === diskId)!);
    expect(backups.map((b) => b.status)).toEqual(Array(5).fill('protecting'));
    for (const round of rounds) {
      const listings = jobListings(round);
      expect(listings.map((r) => r.query.get('vault_id'))).toEqual([vault.id]);
      expect(listings[0]!.query.get('start_time')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    await expectEachEndsWithItsBackup(stack, stack.cbr!, creates);
  });

  it('creates in two vaults cost two listings per round, one per vault', async () => {
    const stack = await startCbrStack();
    const first = diskVault(stack.cbr!, 'vault-first', 3);
    const second = diskVault(stack.cbr!, 'vault-second', 2);
    const creates = [];
    for (const [n, diskId] of [...first.diskIds, ...second.diskIds].entries()) creates.push(await create(stack, diskId, `two-vaults-${n}`));

    const rounds = await nextRounds(stack, 3);
    for (const round of rounds) {
      expect(jobListings(round).map((r) => r.query.get('vault_id')).sort()).toEqual([first.id, second.id].sort());
    }
    await expectEachEndsWithItsBackup(stack, stack.cbr!, creates);
  });

  it('after a restart on the same state, creates in flight are followed per vault from their job ids alone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'backupgraph-cbr-jobs-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const before = await startStack({ tenant: TENANT, zstack: false, cbr: { jobDurationMs: 3_000 }, extra: { ...FAST_ROUNDS, state: { dataDir } } });
    const sim = before.cbr!;
    cleanups.push(() => sim.close());
    const vault = diskVault(sim, 'vault-restart', 2);
    const creates = [await create(before, vault.diskIds[0]!, 'restart-0'), await create(before, vault.diskIds[1]!, 'restart-1')];
    await before.gateway.close();

    const after = await startCbrStack({ cbr: {}, endpoints: { cbr: sim.url }, extra: { ...FAST_ROUNDS, state: { dataDir } } });
    const rounds = await nextRounds(after, 2, sim);
    for (const round of rounds) expect(jobListings(round).map((r) => r.query.get('vault_id'))).toEqual([vault.id]);
    await expectEachEndsWithItsBackup(after, sim, creates);
  });
});
