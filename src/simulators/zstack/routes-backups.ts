import { errorCode, operationError, ZStackApiError } from './errors.js';
import { IMAGE_STORE_TYPE, type BackupStorageInventory, type VolumeBackupInventory, type VolumeInventory } from './inventories.js';
import { queryByUuidApi } from './routes-query.js';
import { DEFAULT_API_TIMEOUT_MS, registerPath, type ApiCall, type RestContext } from './rest.js';
import { syncBackupResultShape, volumeBackupShape } from './shapes.js';
import type { ZStackState } from './state.js';
import { uuidFor } from './uuid.js';
import { backupSizeOf, completeBackup, creatingBackupRow, dropBackupRefs, syncImageStore } from './volume-backups.js';
import {
  BANDWIDTH_RULE,
  requireFreeUuid,
  requireResource,
  requireResources,
  validateParams,
  validateResourceUuid,
  type ParamRule,
} from './validation.js';

/** Volume and VM backups (zstack.md §8.4, §8.5): create, delete and sync against image stores. */

const HOUR = 3_600_000;

const CREATE_RULES: Readonly<Record<string, ParamRule>> = {
  backupStorageUuid: {},
  name: { maxLength: 255 },
  description: { required: false, maxLength: 2048 },
  mode: { required: false, validValues: ['full'] },
  volumeReadBandwidth: BANDWIDTH_RULE,
  volumeWriteBandwidth: BANDWIDTH_RULE,
  networkReadBandwidth: BANDWIDTH_RULE,
  networkWriteBandwidth: BANDWIDTH_RULE,
};

const BANDWIDTH_TYPES = {
  volumeReadBandwidth: 'integer',
  volumeWriteBandwidth: 'integer',
  networkReadBandwidth: 'integer',
  networkWriteBandwidth: 'integer',
} as const;

const DELETE_PARAM_TYPES = { backupStorageUuids: 'list', handleDependency: 'boolean', deleteMode: 'string' } as const;

/**
 * Backups need the premium image store; one that is disabled or disconnected cannot take them. The
 * wording of these refusals is not known [I].
 */
function requireUsableImageStore(state: ZStackState, uuid: unknown): BackupStorageInventory {
  const storage = requireResource(state.backupStorages, 'backupStorageUuid', uuid, 'BackupStorageVO');
  if (storage.type !== IMAGE_STORE_TYPE) throw operationError(`backup storage[uuid:${storage.uuid}] is not an image store backup storage`);
  if (storage.state !== 'Enabled' || storage.status !== 'Connected') {
    throw operationError(`backup storage[uuid:${storage.uuid}] is not available, state: ${storage.state}, status: ${storage.status}`);
  }
  return storage;
}

function validateCreate(messageClass: string, call: ApiCall): string | undefined {
  const resourceUuid = validateResourceUuid(call.params.resourceUuid);
  validateParams(messageClass, call.params, CREATE_RULES);
  return resourceUuid;
}

function descriptionOf(params: Record<string, unknown>): { description?: string } {
  return params.description != null ? { description: String(params.description) } : {};
}

/** Creates rows at once (Disabled/Creating), finishes them together, removes them all on failure. */
function backupWork(state: ZStackState, rows: { backup: VolumeBackupInventory; volume: VolumeInventory }[], storageUuid: string) {
  for (const { backup } of rows) state.putVolumeBackup(backup);
  return {
    finish: () => {
      for (const { backup, volume } of rows) completeBackup(state, backup, backupSizeOf(volume), [storageUuid], state.now());
      return rows.map(({ backup }) => backup);
    },
    rollback: () => rows.forEach(({ backup }) => state.removeVolumeBackup(backup.uuid)),
  };
}

function deleteWork(state: ZStackState, backups: VolumeBackupInventory[], backupStorageUuids: string[] | undefined) {
  return {
    complete: () => {
      for (const backup of backups) {
        const current = state.volumeBackups.get(backup.uuid);
        if (current) dropBackupRefs(state, current, backupStorageUuids);
      }
      return {};
    },
  };
}

function validatedStorageUuids(state: ZStackState, params: Record<string, unknown>, messageClass: string): string[] | undefined {
  validateParams(messageClass, params, { backupStorageUuids: { required: false, nonempty: true } });
  const uuids = params.backupStorageUuids as string[] | undefined;
  if (uuids) requireResources(state.backupStorages, 'backupStorageUuids', uuids, 'BackupStorageVO');
  return uuids;
}

export function registerBackupRoutes(context: RestContext): void {
  const { state } = context;

  registerPath(context, '/volumes/{volumeUuid}/volume-backups', [
    {
      kind: 'async',
      api: 'CreateVolumeBackup',
      method: 'POST',
      timeoutMs: 24 * HOUR,
      paramTypes: BANDWIDTH_TYPES,
      schema: { inventory: volumeBackupShape },
      start: (call) => {
        const resourceUuid = validateCreate('org.zstack.header.storage.volume.backup.APICreateVolumeBackupMsg', call);
        const volume = requireResource(state.volumes, 'volumeUuid', call.params.volumeUuid, 'VolumeVO');
        const storage = requireUsableImageStore(state, call.params.backupStorageUuid);
        const uuid = resourceUuid ?? state.nextUuid('volume-backup');
        requireFreeUuid(state.volumeBackups, uuid);
        const backup = creatingBackupRow(state, volume, { uuid, name: String(call.params.name), ...descriptionOf(call.params), at: state.now() });
        const work = backupWork(state, [{ backup, volume }], storage.uuid);
        return { complete: () => ({ inventory: work.finish()[0] }), rollback: work.rollback };
      },
    },
  ]);

  registerPath(context, '/volumes/{rootVolumeUuid}/vm-backups', [
    {
      kind: 'async',
      api: 'CreateVmBackup',
      method: 'POST',
      timeoutMs: 36 * HOUR,
      paramTypes: BANDWIDTH_TYPES,
      schema: { inventories: volumeBackupShape },
      start: (call) => {
        const groupUuid = validateCreate('org.zstack.header.storage.volume.backup.APICreateVmBackupMsg', call) ?? state.nextUuid('vm-backup');
        const root = requireResource(state.volumes, 'rootVolumeUuid', call.params.rootVolumeUuid, 'VolumeVO');
        const storage = requireUsableImageStore(state, call.params.backupStorageUuid);
        const vm = root.vmInstanceUuid ? state.vmInstances.get(root.vmInstanceUuid) : undefined;
        if (root.type !== 'Root' || !vm) throw operationError(`volume[uuid:${root.uuid}] is not the root volume of a VM instance`);
        if ([...state.volumeBackups.values()].some((backup) => backup.groupUuid === groupUuid)) {
          throw new ZStackApiError(errorCode('SYS.1000', `Duplicate entry '${groupUuid}' for key 'groupUuid'`));
        }
        const dataVolumes = [...state.volumes.values()]
          .filter((volume) => volume.vmInstanceUuid === vm.uuid && volume.type === 'Data')
          .sort((a, b) => (a.deviceId ?? 0) - (b.deviceId ?? 0));
        const at = state.now();
        const rows = [root, ...dataVolumes].map((volume) => ({
          volume,
          // Member uuids derive from the group, so a retried create with the same resourceUuid names the same rows.
          backup: creatingBackupRow(state, volume, {
            uuid: uuidFor(`${groupUuid}/${volume.uuid}`),
            name: String(call.params.name),
            ...descriptionOf(call.params),
            groupUuid,
            at,
          }),
        }));
        for (const { backup } of rows) requireFreeUuid(state.volumeBackups, backup.uuid);
        const work = backupWork(state, rows, storage.uuid);
        return { complete: () => ({ inventories: work.finish() }), rollback: work.rollback };
      },
    },
  ]);

  registerPath(context, '/volume-backups/{uuid}', [
    queryByUuidApi(context, '/volume-backups'),
    {
      kind: 'async',
      api: 'DeleteVolumeBackup',
      method: 'DELETE',
      timeoutMs: DEFAULT_API_TIMEOUT_MS,
      paramTypes: DELETE_PARAM_TYPES,
      start: ({ params }) => {
        const backup = requireResource(state.volumeBackups, 'uuid', params.uuid, 'VolumeBackupVO');
        const storageUuids = validatedStorageUuids(state, params, 'org.zstack.header.storage.volume.backup.APIDeleteVolumeBackupMsg');
        return deleteWork(state, [backup], storageUuids);
      },
    },
  ]);

  registerPath(context, '/vm-backups/{groupUuid}', [
    {
      kind: 'async',
      api: 'DeleteVmBackup',
      method: 'DELETE',
      timeoutMs: DEFAULT_API_TIMEOUT_MS,
      paramTypes: DELETE_PARAM_TYPES,
      start: ({ params }) => {
        const groupUuid = String(params.groupUuid);
        const members = [...state.volumeBackups.values()].filter((backup) => backup.groupUuid === groupUuid);
        // [I] the premium interceptor's wording for an unknown group is not known.
        if (!members.length) throw new ZStackApiError(errorCode('SYS.1003', `cannot find any volume backup of the group[uuid:${groupUuid}]`));
        const storageUuids = validatedStorageUuids(state, params, 'org.zstack.header.storage.volume.backup.APIDeleteVmBackupMsg');
        return deleteWork(state, members, storageUuids);
      },
    },
  ]);

  for (const [template, api, action, vmBackups] of [
    ['/vm-backups/imageStore/{imageStoreUuid}/actions', 'SyncVmBackup', 'syncVmBackup', true],
    ['/volume-backups/imageStore/{imageStoreUuid}/actions', 'SyncVolumeBackup', 'syncVolumeBackup', false],
  ] as const) {
    registerPath(context, template, [
      {
        kind: 'async',
        api,
        method: 'PUT',
        action,
        timeoutMs: DEFAULT_API_TIMEOUT_MS,
        schema: { result: syncBackupResultShape },
        start: ({ params }) => {
          const storage = requireResource(state.backupStorages, 'imageStoreUuid', params.imageStoreUuid, 'ImageStoreBackupStorageVO');
          if (storage.type !== IMAGE_STORE_TYPE) throw operationError(`backup storage[uuid:${storage.uuid}] is not an image store backup storage`);
          return { complete: () => ({ result: syncImageStore(state, storage.uuid, vmBackups) }) };
        },
      },
    ]);
  }
}
