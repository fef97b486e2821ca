import type { SimResponse } from '../../kit/index.js';
import { cbrTime, PROVIDER_ID, resourceSizeGb, type CbrSimulatorState, type SimCbrBackup, type SimCheckpoint, type SimDisk, type SimOperationLog, type SimVault } from './state.js';

/** The JSON CBR answers (huawei-cbr.md F.1-F.4), from the simulator's records. */

/** F.1: the flat service error body. */
export function cbrError(status: number, code: string, message: string): SimResponse {
  return { status, body: { error_code: `BackupService.${code}`, error_msg: message } };
}

const MB_PER_GB = 1024;

export function vaultJson(vault: SimVault, state: CbrSimulatorState, projectId: string): Record<string, unknown> {
  const backups = [...state.backups.values()].filter((b) => b.vault_id === vault.id && b.parent_id === null && b.status !== 'error');
  // used is MB (F.2): the simulator charges each backup a tenth of its source's size.
  const usedMb = Math.round(backups.reduce((sum, b) => sum + b.resource_size, 0) * MB_PER_GB * 0.1);
  return {
    id: vault.id,
    name: vault.name,
    description: vault.description,
    project_id: projectId,
    provider_id: PROVIDER_ID[vault.object_type],
    enterprise_project_id: '0',
    user_id: 'b1c9d4b2e5f64d7c8e9f0a1b2c3d4e5f',
    created_at: vault.created_at,
    auto_bind: false,
    auto_expand: false,
    smn_notify: true,
    threshold: 80,
    locked: false,
    tags: [],
    billing: {
      allocated: 40,
      size: vault.size,
      used: usedMb,
      status: vault.status,
      spec_code: vault.object_type === 'disk' ? 'vault.backup.volume.normal' : 'vault.backup.server.normal',
      protect_type: 'backup',
      object_type: vault.object_type,
      consistent_level: 'crash_consistent',
      charging_mode: 'post_paid',
      cloud_type: 'public',
      storage_unit: '',
      frozen_scene: null,
    },
    resources: vault.resources.map((r) => ({
      ...r,
      extra_info: {},
      size: resourceSizeGb(state, r.id) ?? 0,
      backup_size: 0,
      backup_count: [...state.backups.values()].filter((b) => b.vault_id === vault.id && b.resource_id === r.id).length,
      auto_protect: false,
    })),
  };
}

/** F.3: list rows carry `children: []` even for server backups; show fills them in. */
export function backupJson(backup: SimCbrBackup, state: CbrSimulatorState, projectId: string, view: 'list' | 'show'): Record<string, unknown> {
  const children =
    view === 'show' ? [...state.backups.values()].filter((b) => b.parent_id === backup.id).map((b) => backupJson(b, state, projectId, 'list')) : [];
  const { createdMs, updatedMs, auto_trigger, incremental, ...fields } = backup;
  return {
    ...fields,
    project_id: projectId,
    enterprise_project_id: '0',
    provider_id: PROVIDER_ID[backup.resource_type === 'OS::Nova::Server' ? 'server' : 'disk'],
    created_at: cbrTime.zoneless(createdMs),
    updated_at: cbrTime.zoneless(updatedMs),
    protected_at: cbrTime.zoneless(createdMs),
    expired_at: null,
    children,
    incremental,
    // NODE 3.1.209's BackupExtendInfo: `incremental` moved up to the backup itself.
    extend_info: {
      auto_trigger,
      bootable: false,
      snapshot_id: null,
      support_lld: false,
      supported_restore_mode: 'backup',
      contain_system_disk: false,
      encrypted: false,
      system_disk: false,
      is_multi_az: false,
      os_images_data: null,
    },
  };
}

export function checkpointJson(checkpoint: SimCheckpoint, state: CbrSimulatorState, projectId: string): Record<string, unknown> {
  const vault = state.vaults.get(checkpoint.vault_id);
  return {
    id: checkpoint.id,
    project_id: projectId,
    status: checkpoint.status,
    created_at: checkpoint.created_at,
    vault: {
      id: checkpoint.vault_id,
      name: vault?.name ?? '',
      resources: checkpoint.resourceIds.map((id) => {
        const backup = [...state.backups.values()].find((b) => b.checkpoint_id === checkpoint.id && b.resource_id === id);
        return {
          id,
          type: backup?.resource_type ?? 'OS::Cinder::Volume',
          name: backup?.resource_name ?? '',
          protect_status: backup?.status === 'available' ? 'available' : backup?.status === 'error' ? 'error' : 'protecting',
          resource_size: String(backup?.resource_size ?? 0),
          backup_size: '0',
          backup_count: 1,
          extra_info: null,
        };
      }),
      skipped_resources: checkpoint.skipped,
    },
    extra_info: { name: checkpoint.name, description: checkpoint.description, retention_duration: -1 },
  };
}

export function operationLogJson(log: SimOperationLog, projectId: string): Record<string, unknown> {
  return {
    id: log.id,
    project_id: projectId,
    operation_type: log.operation_type,
    status: log.status,
    checkpoint_id: log.checkpoint_id,
    policy_id: '',
    provider_id: log.provider_id,
    vault_id: log.vault_id,
    vault_name: log.vault_name,
    created_at: cbrTime.zulu(log.createdMs),
    started_at: cbrTime.zulu(log.createdMs),
    updated_at: cbrTime.zulu(log.endedMs ?? log.createdMs),
    ended_at: log.endedMs === null ? null : cbrTime.zulu(log.endedMs),
    error_info: log.error_info ?? { code: '', message: '' },
    extra_info: {
      resource: log.resource,
      common: { progress: log.progress, request_id: log.id, task_id: log.id },
      ...(log.backup ? { backup: { ...log.backup, incremental: 'true' } } : {}),
      ...(log.restore ? { restore: log.restore } : {}),
    },
  };
}

/** F.2: `protectables/disk/instances`, with the vault that holds the disk (if any). */
export function protectableJson(disk: SimDisk, state: CbrSimulatorState): Record<string, unknown> {
  const vault = [...state.vaults.values()].find((v) => v.resources.some((r) => r.id === disk.id));
  return {
    id: disk.id,
    name: disk.name,
    type: 'OS::Cinder::Volume',
    size: disk.size,
    status: disk.status,
    detail: { availability_zone: disk.availability_zone, server_id: disk.serverId },
    children: [],
    protectable: vault
      ? { result: false, vault: { id: vault.id, name: vault.name }, code: 'BackupService.6103', reason: 'The resource is already in a vault' }
      : { result: true, vault: null, code: '', reason: '' },
  };
}
