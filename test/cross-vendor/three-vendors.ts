import { expect } from 'vitest';
import { JobStatusDocument, type JobStatusQuery } from '../../schema/client/graphql.js';
import { systemClock, type Clock, type Timer } from '../../src/infrastructure/clock.js';
import { decodeGlobalId, providerGlobalId, providerKeyOf, resourceGlobalId, splitJobLocalId } from '../../src/domain/ids.js';
import type { SimBackup as VbsSimBackup } from '../../src/simulators/huawei/vbs/state.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { startStack, type Stack, type StackOptions, type StackProviderName } from '../support/stack.js';

/**
 * What the cross-vendor tests share: a stack with ZStack, VBS and TaurusDB side by side in one
 * tenant, global ids for vendor records, backups placed at chosen instants on each vendor, and a
 * bounded wait for a job to end.
 */

export const TENANT = 'acme';

/** One clock for the gateway and a simulator; the test moves it (timers still run on the system clock). */
export class SharedClock implements Clock {
  constructor(public time: number) {}
  now = () => this.time;
  after = (ms: number, run: () => void): Timer => systemClock.after(ms, run);
  every = (ms: number, run: () => void): Timer => systemClock.every(ms, run);
}

export function startThreeVendorStack(options: StackOptions = {}): Promise<Stack> {
  return startStack({ tenant: TENANT, vbs: {}, taurusDb: {}, ...options });
}

export type ResourceTypename = 'Volume' | 'Snapshot' | 'Backup' | 'BackupGroup' | 'BackupStorage' | 'DatabaseInstance' | 'BackupPolicy';

export function idOf(typename: ResourceTypename, provider: StackProviderName, vendorId: string): string {
  return resourceGlobalId(typename, providerKeyOf(TENANT, provider), vendorId);
}

export function providerIdOf(provider: StackProviderName): string {
  return providerGlobalId(providerKeyOf(TENANT, provider));
}

/** A backup as the unified listing orders it: newest instant first, then provider key, then vendor id, all descending. */
export interface PlacedBackup {
  provider: StackProviderName;
  vendorId: string;
  /** Microseconds since the epoch: VBS keeps microseconds, ZStack and TaurusDB whole seconds. */
  atMicros: number;
}

export function label(backup: Pick<PlacedBackup, 'provider' | 'vendorId'>): string {
  return `${backup.provider}:${backup.vendorId}`;
}

export function newestFirst(backups: readonly PlacedBackup[]): string[] {
  const key = (b: PlacedBackup) => providerKeyOf(TENANT, b.provider);
  return [...backups]
    .sort((a, b) => b.atMicros - a.atMicros || descending(key(a), key(b)) || descending(a.vendorId, b.vendorId))
    .map(label);
}

function descending(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? 1 : -1;
}

/** Drops every backup the demo seeds hold, so that a test knows each backup there is. */
export function clearAllBackups(stack: Stack): void {
  stack.zstack!.state.volumeBackups.clear();
  stack.vbs!.state.backups.clear();
  stack.taurusDb!.state.backups.clear();
  stack.cbr?.state.backups.clear();
}

/** ZStack backups of the demo's data volume at these whole-second instants (ZStack dates have no fraction). */
export function addZStackBackups(stack: Stack, instantsMs: readonly number[]): PlacedBackup[] {
  const state = stack.zstack!.state;
  const storages = [...state.backupStorages.keys()];
  const clock = state.now;
  try {
    return instantsMs.map((at) => {
      state.now = () => at;
      const [backup] = state.addVolumeBackups(1, { volumeUuid: DEMO.vmDbData, backupStorageUuids: storages });
      return { provider: 'zs' as const, vendorId: backup!.uuid, atMicros: at * 1000 };
    });
  } finally {
    state.now = clock;
  }
}

/**
 * VBS backups created at these instants, written the way EVS writes `created_at` (UTC, six
 * fractional digits, no zone); `extraMicros` adds sub-millisecond precision to chosen ones.
 */
export function addVbsBackups(stack: Stack, instants: readonly { ms: number; extraMicros?: number }[]): PlacedBackup[] {
  const state = stack.vbs!.state;
  const volume = [...state.volumes.values()].find((v) => v.status === 'available' || v.status === 'in-use')!;
  return instants.map(({ ms, extraMicros = 0 }, index) => {
    const createdAt = `${new Date(ms).toISOString().slice(0, 23)}${String(extraMicros).padStart(3, '0')}`;
    const backup: VbsSimBackup = {
      id: crypto.randomUUID(),
      name: `vbs-placed-${index}`,
      description: null,
      status: 'available',
      volume_id: volume.id,
      snapshot_id: null,
      size: volume.size,
      fail_reason: null,
      availability_zone: volume.availability_zone,
      tags: [],
      created_at: createdAt,
      updated_at: createdAt,
    };
    state.backups.set(backup.id, backup);
    return { provider: 'vbs' as const, vendorId: backup.id, atMicros: ms * 1000 + extraMicros };
  });
}

/** TaurusDB backups of the first demo instance; the service keeps whole seconds. */
export function addTaurusDbBackups(stack: Stack, instantsMs: readonly number[]): PlacedBackup[] {
  const state = stack.taurusDb!.state;
  const instance = [...state.instances.values()][0]!;
  return instantsMs.map((at, index) => {
    const backup = state.addBackup({ instanceId: instance.id, name: `tdb-placed-${index}`, beginAt: at });
    return { provider: 'tdb' as const, vendorId: backup.id, atMicros: Math.floor(at / 1000) * 1_000_000 };
  });
}

/** CBR disk backups of a protected demo disk at these instants; CBR writes them zone-less with microseconds. */
export function addCbrBackups(stack: Stack, instantsMs: readonly number[]): PlacedBackup[] {
  const state = stack.cbr!.state;
  const vault = [...state.vaults.values()].find((v) => v.object_type === 'disk')!;
  const disk = state.disks.get(vault.resources[0]!.id)!;
  return instantsMs.map((at, index) => {
    const id = crypto.randomUUID();
    state.backups.set(id, {
      id,
      name: `cbr-placed-${index}`,
      description: null,
      checkpoint_id: crypto.randomUUID(),
      vault_id: vault.id,
      parent_id: null,
      resource_id: disk.id,
      resource_name: disk.name,
      resource_type: 'OS::Cinder::Volume',
      resource_size: disk.size,
      resource_az: disk.availability_zone,
      status: 'available',
      image_type: 'backup',
      createdMs: at,
      updatedMs: at,
      auto_trigger: false,
      incremental: true,
    });
    return { provider: 'cbr' as const, vendorId: id, atMicros: at * 1000 };
  });
}

export type FinishedJob = NonNullable<JobStatusQuery['job']>;

/** Waits for the gateway's job tracker to see the job end (no polling here), then reads it through GraphQL. */
export async function awaitJobEnd(stack: Stack, jobId: string): Promise<FinishedJob> {
  const { providerKey, vendorId } = splitJobLocalId(decodeGlobalId(jobId).id)!;
  await stack.gateway.jobs.whenFinished(providerKey, vendorId);
  const response = await stack.graphql(JobStatusDocument, { id: jobId });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.job!;
}
