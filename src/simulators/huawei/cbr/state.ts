import { createHash, randomUUID } from 'node:crypto';

/**
 * The CBR simulator's world in the vendor's own shapes (huawei-cbr.md F.2-F.5): vaults with their
 * bound resources, the disks and servers CBR can protect, checkpoints, per-resource backups and the
 * operation logs that stand in for a job API.
 */

export type ObjectType = 'disk' | 'server';
export const DISK_TYPE = 'OS::Cinder::Volume';
export const SERVER_TYPE = 'OS::Nova::Server';
/** F.3 `provider_id` constants. */
export const PROVIDER_ID: Record<ObjectType, string> = {
  server: '0daac4c5-6707-4851-97ba-169e36266b66',
  disk: 'd1603440-187d-4516-af25-121250c7cc97',
};

export interface SimDisk {
  id: string;
  name: string;
  /** GB */
  size: number;
  /** EVS status: `available` (detached) or `in-use`. */
  status: string;
  serverId: string | null;
  availability_zone: string;
}

export interface SimServer {
  id: string;
  name: string;
  status: string;
  diskIds: string[];
}

export interface SimVaultResource {
  id: string;
  type: string;
  name: string;
  protect_status: 'available' | 'error' | 'protecting' | 'restoring' | 'removing';
}

export interface SimVault {
  id: string;
  name: string;
  description: string;
  object_type: ObjectType;
  /** GB */
  size: number;
  status: 'available' | 'lock' | 'frozen' | 'deleting' | 'error';
  resources: SimVaultResource[];
  created_at: string;
}

export interface SimCheckpoint {
  id: string;
  vault_id: string;
  status: 'protecting' | 'available' | 'error' | 'deleting' | 'deleted' | 'error-deleting';
  resourceIds: string[];
  skipped: { id: string; type: string; name: string; code: string; reason: string }[];
  name: string;
  description: string;
  created_at: string;
}

export interface SimCbrBackup {
  id: string;
  name: string;
  description: string | null;
  checkpoint_id: string;
  vault_id: string;
  parent_id: string | null;
  resource_id: string;
  resource_name: string;
  resource_type: string;
  resource_size: number;
  resource_az: string;
  status: string;
  image_type: 'backup' | 'replication';
  /** Epoch ms, written out per endpoint in its own format. */
  createdMs: number;
  updatedMs: number;
  auto_trigger: boolean;
  incremental: boolean;
}

export interface SimOperationLog {
  id: string;
  operation_type: 'backup' | 'delete' | 'restore' | 'remove_resource';
  status: 'running' | 'success' | 'failed' | 'waiting' | 'skipped' | 'timeout';
  checkpoint_id: string | null;
  vault_id: string;
  vault_name: string;
  provider_id: string;
  createdMs: number;
  endedMs: number | null;
  error_info: { code: string; message: string } | null;
  resource: { id: string; type: string; name: string };
  progress: number;
  backup: { backup_id: string; backup_name: string } | null;
  restore: { backup_id: string; backup_name: string; target_resource_id: string; target_resource_name: string } | null;
}

/** A policy (F.6) as sent, with the vaults bound to it and when its trigger began (RRULE's DTSTART). */
export interface SimPolicy {
  id: string;
  name: string;
  enabled: boolean;
  operation_type: 'backup' | 'replication';
  pattern: string[];
  triggerId: string;
  /** Epoch ms: set when the policy is made and whenever its pattern changes. */
  startMs: number;
  operation_definition: Record<string, unknown>;
  vaultIds: string[];
}

export interface CbrSimulatorState {
  disks: Map<string, SimDisk>;
  servers: Map<string, SimServer>;
  vaults: Map<string, SimVault>;
  checkpoints: Map<string, SimCheckpoint>;
  backups: Map<string, SimCbrBackup>;
  operationLogs: Map<string, SimOperationLog>;
  policies: Map<string, SimPolicy>;
}

/**
 * F.3 "Times": the field tables and HW's realistic examples write zone-less microseconds (backups,
 * vaults), OTC's examples `+00:00` with milliseconds (checkpoints, policies), the op-log table `Z`.
 * The simulator answers each endpoint in one of them, so a reader must handle all three.
 */
export const cbrTime = {
  zoneless: (ms: number): string => new Date(ms).toISOString().replace('Z', '000'),
  offset: (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00'),
  zulu: (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`,
};

/** GB a resource takes in a vault: a disk's size, or the sum of a server's disks. `undefined` for an unknown one. */
export function resourceSizeGb(state: CbrSimulatorState, id: string): number | undefined {
  const disk = state.disks.get(id);
  if (disk) return disk.size;
  return state.servers.get(id)?.diskIds.reduce((sum, d) => sum + (state.disks.get(d)?.size ?? 0), 0);
}

export function newId(): string {
  return randomUUID();
}

export function emptyState(): CbrSimulatorState {
  return { disks: new Map(), servers: new Map(), vaults: new Map(), checkpoints: new Map(), backups: new Map(), operationLogs: new Map(), policies: new Map() };
}

/** Same seed name, same id: demo data stays stable across restarts. */
function seededId(seed: string): string {
  const hex = createHash('sha256').update(`cbr-demo:${seed}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const AZ = 'cn-north-4a';

/**
 * A disk vault holding two of four disks, a server vault holding one server (two disks), a few
 * days of backups: disk backups, one failed, and server backups with their child disk backups.
 */
export function demoState(now = Date.now()): CbrSimulatorState {
  const state = emptyState();
  const day = 24 * 60 * 60 * 1000;
  const disk = (name: string, size: number, serverId: string | null): SimDisk => {
    const d = { id: seededId(`disk-${name}`), name, size, status: serverId ? 'in-use' : 'available', serverId, availability_zone: AZ };
    state.disks.set(d.id, d);
    return d;
  };
  const appServer = seededId('server-app-01');
  const orders = disk('orders-data', 100, null);
  const reports = disk('reports-data', 200, null);
  disk('cache-data', 50, null);
  disk('logs-data', 80, null);
  const appSystem = disk('app-01-system', 40, appServer);
  const appData = disk('app-01-data', 60, appServer);
  state.servers.set(appServer, { id: appServer, name: 'app-01', status: 'ACTIVE', diskIds: [appSystem.id, appData.id] });

  const diskVault: SimVault = {
    id: seededId('vault-disks'),
    name: 'vault-disks',
    description: 'EVS disks',
    object_type: 'disk',
    size: 1000,
    status: 'available',
    resources: [orders, reports].map((d) => ({ id: d.id, type: DISK_TYPE, name: d.name, protect_status: 'available' as const })),
    created_at: cbrTime.zoneless(now - 30 * day),
  };
  const serverVault: SimVault = {
    id: seededId('vault-servers'),
    name: 'vault-servers',
    description: 'ECS servers',
    object_type: 'server',
    size: 500,
    status: 'available',
    resources: [{ id: appServer, type: SERVER_TYPE, name: 'app-01', protect_status: 'available' }],
    created_at: cbrTime.zoneless(now - 30 * day),
  };
  state.vaults.set(diskVault.id, diskVault);
  state.vaults.set(serverVault.id, serverVault);

  for (let n = 0; n < 6; n += 1) {
    const source = n % 2 === 0 ? orders : reports;
    const created = now - (6 - n) * day + n * 1000;
    const checkpointId = seededId(`checkpoint-disk-${n}`);
    state.checkpoints.set(checkpointId, {
      id: checkpointId, vault_id: diskVault.id, status: 'available', resourceIds: [source.id], skipped: [], name: '', description: '', created_at: cbrTime.offset(created),
    });
    state.backups.set(seededId(`backup-disk-${n}`), {
      id: seededId(`backup-disk-${n}`),
      name: `autobk_${source.name}_${n}`,
      description: null,
      checkpoint_id: checkpointId,
      vault_id: diskVault.id,
      parent_id: null,
      resource_id: source.id,
      resource_name: source.name,
      resource_type: DISK_TYPE,
      resource_size: source.size,
      resource_az: AZ,
      status: n === 3 ? 'error' : 'available',
      image_type: 'backup',
      createdMs: created,
      updatedMs: created + 5 * 60_000,
      auto_trigger: true,
      incremental: n > 1,
    });
  }

  for (let n = 0; n < 2; n += 1) {
    const created = now - (2 - n) * day + 30 * 60_000;
    const checkpointId = seededId(`checkpoint-server-${n}`);
    state.checkpoints.set(checkpointId, {
      id: checkpointId, vault_id: serverVault.id, status: 'available', resourceIds: [appServer], skipped: [], name: '', description: '', created_at: cbrTime.offset(created),
    });
    const parentId = seededId(`backup-server-${n}`);
    const base = { description: null, checkpoint_id: checkpointId, vault_id: serverVault.id, resource_az: AZ, status: 'available', image_type: 'backup' as const, createdMs: created, updatedMs: created + 10 * 60_000, auto_trigger: true, incremental: n > 0 };
    state.backups.set(parentId, { ...base, id: parentId, name: `autobk_app-01_${n}`, parent_id: null, resource_id: appServer, resource_name: 'app-01', resource_type: SERVER_TYPE, resource_size: 100 });
    for (const child of [appSystem, appData]) {
      const id = seededId(`backup-server-${n}-${child.name}`);
      state.backups.set(id, { ...base, id, name: `autobk_app-01_${n}`, parent_id: parentId, resource_id: child.id, resource_name: child.name, resource_type: DISK_TYPE, resource_size: child.size });
    }
  }
  return state;
}
