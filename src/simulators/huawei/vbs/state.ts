import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** The VBS/EVS simulator's world: volumes, snapshots, backups and jobs, in the vendor's own shapes. */

export interface SimVolume {
  id: string;
  name: string;
  status: string;
  size: number;
  volume_type: string;
  availability_zone: string;
  bootable: 'true' | 'false';
  attachments: { server_id: string; attachment_id: string; device: string; volume_id: string; id: string; attached_at: string; host_name: string | null }[];
  created_at: string;
  updated_at: string;
  /** The status to return to when the backup that made it `backing-up` ends. */
  statusBeforeBackup?: string;
}

export interface SimSnapshot {
  id: string;
  name: string;
  description: string | null;
  status: string;
  volume_id: string;
  size: number;
  created_at: string;
  updated_at: string;
}

export interface SimBackup {
  id: string;
  name: string;
  description: string | null;
  status: string;
  volume_id: string;
  snapshot_id: string | null;
  size: number;
  fail_reason: string | null;
  availability_zone: string;
  tags: { key: string; value: string }[];
  created_at: string;
  updated_at: string;
}

export interface SimJob {
  job_id: string;
  job_type: string;
  status: 'INIT' | 'RUNNING' | 'SUCCESS' | 'FAIL';
  entities: Record<string, string>;
  begin_time: string;
  /** `""` until the job ends. */
  end_time: string;
  error_code: string | null;
  fail_reason: string | null;
}

export interface VbsSimulatorState {
  volumes: Map<string, SimVolume>;
  snapshots: Map<string, SimSnapshot>;
  backups: Map<string, SimBackup>;
  jobs: Map<string, SimJob>;
}

const AZ = 'cn-north-4a';

/** `2013-06-27T08:48:03.123000`: EVS/Cinder write UTC with microseconds and no zone. */
export function cinderTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000');
}

/** Job times keep the `Z` (huawei.md A.2). */
export function jobTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function newJobId(): string {
  return randomBytes(16).toString('hex');
}

/** A job just accepted: INIT, begun now, no end or error yet (huawei.md A.2). */
export function initJob(jobType: string, entities: Record<string, string>, now: number): SimJob {
  return { job_id: newJobId(), job_type: jobType, status: 'INIT', entities, begin_time: jobTime(now), end_time: '', error_code: null, fail_reason: null };
}

export function newId(): string {
  return randomUUID();
}

/** Same seed name, same id: demo data stays stable across restarts. */
function seededId(seed: string): string {
  const hex = createHash('sha256').update(`vbs-demo:${seed}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function makeVolume(fields: Partial<SimVolume>, now = Date.now()): SimVolume {
  const id = fields.id ?? newId();
  return {
    id,
    name: `volume-${id.slice(0, 4)}`,
    status: 'available',
    size: 40,
    volume_type: 'SSD',
    availability_zone: AZ,
    bootable: 'false',
    attachments: [],
    created_at: cinderTime(now),
    updated_at: cinderTime(now),
    ...fields,
  };
}

export function emptyState(): VbsSimulatorState {
  return { volumes: new Map(), snapshots: new Map(), backups: new Map(), jobs: new Map() };
}

/** Five volumes (two attached), ten backups of four of them (one failed), two user snapshots. */
export function demoState(now = Date.now()): VbsSimulatorState {
  const state = emptyState();
  const day = 24 * 60 * 60 * 1000;
  const volumeSpecs = [
    { name: 'web-01-system', size: 40, volume_type: 'SSD', bootable: 'true' as const, server: 'web-01' },
    { name: 'web-01-data', size: 100, volume_type: 'SAS', bootable: 'false' as const, server: 'web-01' },
    { name: 'db-01-data', size: 500, volume_type: 'ESSD', bootable: 'false' as const, server: 'db-01' },
    { name: 'archive', size: 1024, volume_type: 'SATA', bootable: 'false' as const, server: null },
    { name: 'scratch', size: 20, volume_type: 'GPSSD', bootable: 'false' as const, server: null },
  ];
  const volumes = volumeSpecs.map((spec, index) => {
    const id = seededId(`volume-${index}`);
    const created = now - (60 - index) * day;
    const serverId = spec.server ? seededId(`server-${spec.server}`) : null;
    const volume = makeVolume(
      {
        id,
        name: spec.name,
        size: spec.size,
        volume_type: spec.volume_type,
        bootable: spec.bootable,
        status: serverId ? 'in-use' : 'available',
        attachments: serverId
          ? [{ server_id: serverId, attachment_id: seededId(`attachment-${index}`), device: `/dev/vd${'ab'[index % 2]}`, volume_id: id, id, attached_at: cinderTime(created), host_name: null }]
          : [],
      },
      created,
    );
    state.volumes.set(id, volume);
    return volume;
  });

  for (let n = 0; n < 10; n += 1) {
    const volume = volumes[n % 4]!;
    const created = now - (10 - n) * day + n * 1000;
    const failed = n === 3;
    const snapshotId = seededId(`autobk-snapshot-${n}`);
    if (!failed) {
      state.snapshots.set(snapshotId, {
        id: snapshotId,
        name: `autobk_snapshot_${cinderTime(created).slice(0, 19).replace(/[-:T]/g, '')}`,
        description: null,
        status: 'available',
        volume_id: volume.id,
        size: volume.size,
        created_at: cinderTime(created),
        updated_at: cinderTime(created),
      });
    }
    const id = seededId(`backup-${n}`);
    state.backups.set(id, {
      id,
      name: `${volume.name}-backup-${n + 1}`,
      description: n % 3 === 0 ? 'nightly' : null,
      status: failed ? 'error' : 'available',
      volume_id: volume.id,
      snapshot_id: failed ? null : snapshotId,
      size: volume.size,
      fail_reason: failed ? 'Backup creation failed: storage backend timed out.' : null,
      availability_zone: AZ,
      tags: [],
      created_at: cinderTime(created),
      updated_at: cinderTime(created + 5 * 60 * 1000),
    });
  }

  for (const [index, volume] of [volumes[0]!, volumes[2]!].entries()) {
    const id = seededId(`snapshot-${index}`);
    const created = now - (3 - index) * day;
    state.snapshots.set(id, {
      id,
      name: `${volume.name}-before-upgrade`,
      description: 'taken by hand before an upgrade',
      status: 'available',
      volume_id: volume.id,
      size: volume.size,
      created_at: cinderTime(created),
      updated_at: cinderTime(created),
    });
  }
  return state;
}

/** The snapshot VBS takes of a disk for a backup that names none (huawei.md A.7). */
export function autobkSnapshot(volume: SimVolume): SimSnapshot {
  const now = Date.now();
  return {
    id: newId(),
    name: `autobk_snapshot_${cinderTime(now).slice(0, 19).replace(/[-:T]/g, '')}`,
    description: null,
    status: 'available',
    volume_id: volume.id,
    size: volume.size,
    created_at: cinderTime(now),
    updated_at: cinderTime(now),
  };
}
