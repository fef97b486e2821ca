import { describe, expect, it } from 'vitest';
import type {
  CbrBackup,
  CbrBackupList,
  CbrCheckpoint,
  CbrOperationLog,
  CbrOperationLogList,
  CbrProtectable,
  CbrProtectableList,
  CbrRestoreAnswer,
  CbrVault,
  CbrVaultList,
  CbrVaultResource,
} from '../../src/providers/huawei/cbr/client.js';
import type { BackupQuery, InstanceQuery } from '../../src/providers/huawei/taurusdb/client.js';
import type { WireBackup, WireBackupList, WireCreateBackupResponse, WireDeleteBackupResponse, WireInstance, WireInstanceList, WireJob } from '../../src/providers/huawei/taurusdb/wire.js';
import type { EvsSnapshot, EvsVolume, VbsBackup, VbsJob } from '../../src/providers/huawei/vbs/client.js';
import { CBR, EVS, GAUSSDB, VBS, type Model } from './documented-fields.js';

/**
 * The adapters read the vendor's JSON through typed shapes. Each `Record<keyof Shape, true>` below must
 * name exactly the shape's fields (the type check fails otherwise), so a field added to an adapter's
 * shape lands here, and the test fails unless Huawei documents it.
 */

type FieldsOf<T> = Record<keyof T, true>;

const names = (fields: Record<string, true>) => Object.keys(fields);
const nested = (model: Model, ...path: string[]) => path.reduce((at, field) => at.nested![field]!, model);
const undocumented = (read: Record<string, true>, documented: readonly string[]) => names(read).filter((field) => !documented.includes(field));

const taurusBackup: FieldsOf<WireBackup> = {
  id: true, name: true, description: true, begin_time: true, end_time: true, status: true, take_up_time: true, type: true, size: true, datastore: true, instance_id: true,
};
const taurusJob: FieldsOf<WireJob> = { id: true, name: true, status: true, created: true, ended: true, process: true, instance: true, fail_reason: true };
const taurusInstance: FieldsOf<WireInstance> = { id: true, name: true, status: true, type: true, port: true, datastore: true, created: true, updated: true };
const vbsBackup: FieldsOf<VbsBackup> = {
  id: true, name: true, status: true, description: true, volume_id: true, snapshot_id: true, size: true, fail_reason: true, created_at: true,
  updated_at: true, data_timestamp: true, availability_zone: true, object_count: true, container: true, is_incremental: true,
  has_dependent_backups: true, service_metadata: true,
};
const vbsJob: FieldsOf<VbsJob> = { job_id: true, job_type: true, status: true, entities: true, begin_time: true, end_time: true, error_code: true, fail_reason: true };
const evsVolume: FieldsOf<EvsVolume> = {
  id: true, name: true, status: true, size: true, volume_type: true, availability_zone: true, attachments: true, created_at: true, updated_at: true,
};
const evsSnapshot: FieldsOf<EvsSnapshot> = {
  id: true, name: true, description: true, status: true, volume_id: true, size: true, created_at: true, updated_at: true,
};

type Part<T, K extends keyof T> = NonNullable<T[K]>;
type Item<T, K extends keyof T> = NonNullable<T[K]> extends readonly (infer I)[] ? I : never;
type LogExtra = Part<CbrOperationLog, 'extra_info'>;
const cbrVault: FieldsOf<CbrVault> = { id: true, name: true, created_at: true, billing: true, resources: true };
const cbrBilling: FieldsOf<CbrVault['billing']> = { size: true, used: true, allocated: true, status: true, object_type: true };
const cbrResource: FieldsOf<CbrVaultResource> = { id: true, type: true, name: true, protect_status: true, size: true };
const cbrBackup: FieldsOf<CbrBackup> = {
  id: true, name: true, description: true, checkpoint_id: true, vault_id: true, parent_id: true, resource_id: true, resource_name: true,
  resource_type: true, resource_size: true, status: true, created_at: true, updated_at: true, children: true,
};
const cbrProtectable: FieldsOf<CbrProtectable> = { id: true, name: true, type: true, size: true, status: true, detail: true, protectable: true };
const cbrProtectableResult: FieldsOf<Part<CbrProtectable, 'protectable'>> = { result: true, vault: true, code: true, reason: true };
const cbrProtectableVault: FieldsOf<Part<Part<CbrProtectable, 'protectable'>, 'vault'>> = { id: true, name: true };
const cbrCheckpoint: FieldsOf<CbrCheckpoint> = { id: true, status: true, vault: true };
const cbrCheckpointVault: FieldsOf<Part<CbrCheckpoint, 'vault'>> = { skipped_resources: true };
const cbrSkipped: FieldsOf<Item<Part<CbrCheckpoint, 'vault'>, 'skipped_resources'>> = { id: true, code: true, reason: true };
const cbrLog: FieldsOf<CbrOperationLog> = {
  id: true, operation_type: true, status: true, checkpoint_id: true, vault_id: true, created_at: true, ended_at: true, error_info: true, extra_info: true,
};
const cbrLogExtra: FieldsOf<LogExtra> = { common: true, backup: true, restore: true };

describe('the Huawei adapters read only fields the vendor documents', () => {
  it('TaurusDB: backups, tasks, instances and the list, create and delete answers', () => {
    expect(undocumented(taurusBackup, nested(GAUSSDB.ShowGaussMySqlBackupListResponse, 'backups').fields)).toEqual([]);
    expect(undocumented(taurusJob, nested(GAUSSDB.ShowGaussMySqlJobInfoResponse, 'job').fields)).toEqual([]);
    expect(undocumented(taurusInstance, nested(GAUSSDB.ListGaussMySqlInstancesResponse, 'instances').fields)).toEqual([]);
    const lists: [Record<string, true>, Model][] = [
      [{ backups: true, total_count: true } satisfies FieldsOf<WireBackupList>, GAUSSDB.ShowGaussMySqlBackupListResponse],
      [{ instances: true, total_count: true } satisfies FieldsOf<WireInstanceList>, GAUSSDB.ListGaussMySqlInstancesResponse],
      [{ backup: true, job_id: true } satisfies FieldsOf<WireCreateBackupResponse>, GAUSSDB.CreateGaussMySqlBackupResponse],
      [{ backup_id: true, backup_name: true } satisfies FieldsOf<WireDeleteBackupResponse>, GAUSSDB.DeleteGaussMySqlBackupResponse],
    ];
    for (const [read, model] of lists) expect(undocumented(read, model.fields)).toEqual([]);
  });

  it('TaurusDB: the query parameters it sends', () => {
    const backupQuery: FieldsOf<BackupQuery> = { offset: true, limit: true, instance_id: true, backup_id: true, begin_time: true, end_time: true };
    const instanceQuery: FieldsOf<InstanceQuery> = { offset: true, limit: true, id: true };
    expect(undocumented(backupQuery, GAUSSDB.ShowGaussMySqlBackupListRequest)).toEqual([]);
    expect(undocumented(instanceQuery, GAUSSDB.ListGaussMySqlInstancesRequest)).toEqual([]);
  });

  it('VBS and EVS: backups, jobs, volumes and snapshots', () => {
    expect(undocumented(vbsBackup, nested(VBS.ShowBackupResponse, 'backup').fields)).toEqual([]);
    expect(undocumented(vbsJob, VBS.JobResponse.fields)).toEqual([]);
    expect(undocumented(evsVolume, nested(EVS.ShowVolumeResponse, 'volume').fields)).toEqual([]);
    expect(undocumented(evsSnapshot, nested(EVS.ShowSnapshotResponse, 'snapshot').fields)).toEqual([]);
  });

  it('CBR: vaults, backups, protectables, checkpoints and operation logs, down to their nested objects', () => {
    const vault = CBR.ShowVaultResponse;
    const log = CBR.ShowOpLogResponse;
    const checkpoint = CBR.ShowCheckpointResponse;
    const protectable = CBR.ListProtectableResponse;
    const read: [Record<string, true>, Model][] = [
      [cbrVault, nested(vault, 'vault')],
      [cbrBilling, nested(vault, 'vault', 'billing')],
      [cbrResource, nested(vault, 'vault', 'resources')],
      [cbrBackup, nested(CBR.ShowBackupResponse, 'backup')],
      [cbrBackup, nested(CBR.ShowBackupResponse, 'backup', 'children')],
      [cbrProtectable, nested(protectable, 'instances')],
      [cbrProtectableResult, nested(protectable, 'instances', 'protectable')],
      [cbrProtectableVault, nested(protectable, 'instances', 'protectable', 'vault')],
      [cbrCheckpoint, nested(checkpoint, 'checkpoint')],
      [cbrCheckpointVault, nested(checkpoint, 'checkpoint', 'vault')],
      [cbrSkipped, nested(checkpoint, 'checkpoint', 'vault', 'skipped_resources')],
      [cbrLog, nested(log, 'operation_log')],
      [{ code: true, message: true } satisfies FieldsOf<Part<CbrOperationLog, 'error_info'>>, nested(log, 'operation_log', 'error_info')],
      [cbrLogExtra, nested(log, 'operation_log', 'extra_info')],
      [{ progress: true } satisfies FieldsOf<Part<LogExtra, 'common'>>, nested(log, 'operation_log', 'extra_info', 'common')],
      [{ backup_id: true } satisfies FieldsOf<Part<LogExtra, 'backup'>>, nested(log, 'operation_log', 'extra_info', 'backup')],
      [{ backup_id: true, target_resource_id: true } satisfies FieldsOf<Part<LogExtra, 'restore'>>, nested(log, 'operation_log', 'extra_info', 'restore')],
    ];
    for (const [fields, model] of read) expect(undocumented(fields, model.fields)).toEqual([]);
    const answers: [Record<string, true>, Model][] = [
      [{ vaults: true, count: true } satisfies FieldsOf<CbrVaultList>, CBR.ListVaultResponse],
      [{ instances: true } satisfies FieldsOf<CbrProtectableList>, protectable],
      [{ backups: true } satisfies FieldsOf<CbrBackupList>, CBR.ListBackupsResponse],
      [{ operation_logs: true } satisfies FieldsOf<CbrOperationLogList>, CBR.ListOpLogsResponse],
      [{ job_id: true } satisfies FieldsOf<CbrRestoreAnswer>, CBR.RestoreBackupResponse],
    ];
    for (const [fields, model] of answers) expect(undocumented(fields, model.fields)).toEqual([]);
  });

  it('recognises an undocumented field when one is read', () => {
    expect(undocumented({ ...taurusJob, backup_id: true }, nested(GAUSSDB.ShowGaussMySqlJobInfoResponse, 'job').fields)).toEqual(['backup_id']);
  });
});
