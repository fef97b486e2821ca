import { describe, expect, it } from 'vitest';
import type { BackupQuery, InstanceQuery } from '../../src/providers/huawei/taurusdb/client.js';
import type { WireBackup, WireBackupList, WireCreateBackupResponse, WireDeleteBackupResponse, WireInstance, WireInstanceList, WireJob } from '../../src/providers/huawei/taurusdb/wire.js';
import type { EvsSnapshot, EvsVolume, VbsBackup, VbsJob } from '../../src/providers/huawei/vbs/client.js';
import { EVS, GAUSSDB, VBS, type Model } from './documented-fields.js';

/**
 * The adapters read the vendor's JSON through typed shapes. Each `Record<keyof Shape, true>` below must
 * name exactly the shape's fields (the type check fails otherwise), so a field added to an adapter's
 * shape lands here, and the test fails unless Huawei documents it.
 */

type FieldsOf<T> = Record<keyof T, true>;

const names = (fields: Record<string, true>) => Object.keys(fields);
const nested = (model: Model, field: string) => model.nested![field]!;
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

  it('recognises an undocumented field when one is read', () => {
    expect(undocumented({ ...taurusJob, backup_id: true }, nested(GAUSSDB.ShowGaussMySqlJobInfoResponse, 'job').fields)).toEqual(['backup_id']);
  });
});
