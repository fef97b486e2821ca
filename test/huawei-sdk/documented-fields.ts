/**
 * The field names Huawei documents for each response the simulators serve, written out by hand from
 * the models of the official Node SDK (huaweicloud-sdk-nodejs-v3 at b081640b, release 3.1.209:
 * services/evs/v2/model and services/gaussdb/v3/model) and, for VBS, which has no v3 SDK package, from
 * huawei.md A.2/A.3 (the VBS docs and golangsdk's Backup struct). A model names the fields an object
 * may carry and the models of its nested objects; an array field's model applies to each item.
 */

export interface Model {
  fields: readonly string[];
  nested?: Readonly<Record<string, Model>>;
}

const model = (fields: readonly string[], nested?: Record<string, Model>): Model => (nested ? { fields, nested } : { fields });

// --- EVS v2 ---------------------------------------------------------------------------------------

const Link = model(['href', 'rel']);
const Attachment = model(['attached_at', 'attachment_id', 'device', 'host_name', 'id', 'server_id', 'volume_id']);
const VolumeDetail = model(
  [
    'id', 'links', 'name', 'status', 'attachments', 'availability_zone', 'os-vol-host-attr:host', 'source_volid', 'snapshot_id',
    'description', 'created_at', 'os-vol-tenant-attr:tenant_id', 'volume_image_metadata', 'volume_type', 'size',
    'consistencygroup_id', 'bootable', 'metadata', 'updated_at', 'encrypted', 'replication_status',
    'os-volume-replication:extended_status', 'os-vol-mig-status-attr:migstat', 'os-vol-mig-status-attr:name_id', 'shareable',
    'user_id', 'service_type', 'multiattach', 'dedicated_storage_id', 'dedicated_storage_name', 'tags', 'wwn',
    'enterprise_project_id', 'serial_number', 'iops', 'throughput',
  ],
  { links: Link, attachments: Attachment },
);
const SnapshotDetails = model(
  [
    'id', 'status', 'name', 'description', 'created_at', 'updated_at', 'metadata', 'volume_id', 'size',
    'os-extended-snapshot-attributes:project_id', 'os-extended-snapshot-attributes:progress',
  ],
);
const SnapshotList = model([...SnapshotDetails.fields, 'dedicated_storage_id', 'dedicated_storage_name', 'service_type'], SnapshotDetails.nested);

export const EVS = {
  ListVolumesResponse: model(['count', 'volumes_links', 'volumes'], { volumes_links: Link, volumes: VolumeDetail }),
  ShowVolumeResponse: model(['volume'], { volume: VolumeDetail }),
  ListSnapshotsResponse: model(['count', 'snapshots', 'snapshots_links'], { snapshots: SnapshotList, snapshots_links: Link }),
  ShowSnapshotResponse: model(['snapshot'], { snapshot: SnapshotDetails }),
  ListVolumesRequest: [
    'marker', 'name', 'limit', 'sort_key', 'offset', 'sort_dir', 'status', 'metadata', 'availability_zone', 'multiattach',
    'service_type', 'dedicated_storage_id', 'dedicated_storage_name', 'volume_type_id', 'id', 'ids', 'enterprise_project_id',
    'server_id', 'not_metadata',
  ],
  ListSnapshotsRequest: ['offset', 'limit', 'name', 'status', 'volume_id', 'availability_zone', 'id', 'dedicated_storage_name', 'dedicated_storage_id', 'service_type', 'enterprise_project_id'],
};

// --- VBS (huawei.md A.2, A.3) -----------------------------------------------------------------------

const VbsBackup = model(
  [
    'id', 'name', 'status', 'description', 'links', 'availability_zone', 'volume_id', 'snapshot_id', 'fail_reason', 'size',
    'object_count', 'container', 'created_at', 'updated_at', 'data_timestamp', 'os-bak-tenant-attr:tenant_id',
    'service_metadata', 'has_dependent_backups', 'is_incremental',
  ],
  { links: Link },
);

export const VBS = {
  CreateBackupResponse: model(['job_id']),
  /** The job fields of A.2, the same names as EVS's ShowJobResponse, plus `sub_jobs`. */
  JobResponse: model(['status', 'entities', 'job_id', 'job_type', 'begin_time', 'end_time', 'error_code', 'fail_reason', 'sub_jobs'], {
    entities: model(['backup_id', 'volume_id', 'snapshot_id', 'bks_create_volume_name']),
  }),
  JobStatuses: ['SUCCESS', 'RUNNING', 'FAIL', 'INIT'],
  ShowBackupResponse: model(['backup'], { backup: VbsBackup }),
  ListBackupsDetailResponse: model(['backups', 'backups_links'], { backups: VbsBackup, backups_links: Link }),
  ListBackupsRequest: ['name', 'status', 'offset', 'limit', 'volume_id', 'sort_key', 'sort_dir', 'marker'],
};

// --- GaussDB(for MySQL) / TaurusDB v3 ------------------------------------------------------------------

const Tag = model(['key', 'value']);
const DatastoreWithKernelVersion = model(['type', 'version', 'kernel_version']);
const BackupStrategy = model(['start_time', 'keep_days']);
const ChargeInfo = model(['charge_mode', 'period_type', 'period_num', 'is_auto_renew', 'is_auto_pay']);
const MysqlInstanceListInfo = model(
  [
    'id', 'name', 'status', 'private_ips', 'proxy_ips', 'readonly_private_ips', 'public_ips', 'port', 'type', 'region',
    'datastore', 'created', 'updated', 'db_user_name', 'vpc_id', 'subnet_id', 'security_group_id', 'flavor_ref',
    'flavor_info', 'volume', 'backup_strategy', 'enterprise_project_id', 'time_zone', 'charge_info', 'dedicated_resource_id',
    'tags',
  ],
  {
    datastore: DatastoreWithKernelVersion,
    flavor_info: model(['vcpus', 'ram']),
    volume: model(['type', 'size']),
    backup_strategy: BackupStrategy,
    charge_info: ChargeInfo,
    tags: Tag,
  },
);
const MysqlInstanceNodeInfo = model(
  [
    'id', 'name', 'type', 'status', 'port', 'private_read_ips', 'volume', 'az_code', 'region_code', 'created', 'updated',
    'flavor_id', 'flavor_ref', 'max_connections', 'vcpus', 'ram', 'need_restart', 'priority',
  ],
  { volume: model(['type', 'used', 'size']) },
);
const MysqlInstanceInfoDetail = model(
  [
    'id', 'name', 'project_id', 'status', 'port', 'alias', 'type', 'charge_info', 'node_count', 'datastore', 'backup_used_space',
    'created', 'updated', 'private_write_ips', 'private_dns_names', 'public_ips', 'db_user_name', 'vpc_id', 'subnet_id',
    'security_group_id', 'configuration_id', 'backup_strategy', 'nodes', 'enterprise_project_id', 'time_zone', 'az_mode',
    'master_az_code', 'maintenance_window', 'tags', 'dedicated_resource_id', 'proxies',
  ],
  {
    charge_info: ChargeInfo,
    datastore: DatastoreWithKernelVersion,
    backup_strategy: BackupStrategy,
    nodes: MysqlInstanceNodeInfo,
    tags: Tag,
    proxies: model(['pool_id', 'name', 'address']),
  },
);
const Backups = model(
  ['id', 'name', 'begin_time', 'end_time', 'status', 'take_up_time', 'type', 'size', 'datastore', 'instance_id', 'instance_name', 'backup_level', 'description'],
  { datastore: model(['type', 'version']) },
);

export const GAUSSDB = {
  ListGaussMySqlInstancesResponse: model(['instances', 'total_count'], { instances: MysqlInstanceListInfo }),
  ShowGaussMySqlInstanceInfoResponse: model(['instance'], { instance: MysqlInstanceInfoDetail }),
  ShowGaussMySqlBackupListResponse: model(['backups', 'total_count'], { backups: Backups }),
  CreateGaussMySqlBackupResponse: model(['backup', 'job_id'], {
    backup: model(['id', 'name', 'description', 'begin_time', 'status', 'type', 'instance_id']),
  }),
  DeleteGaussMySqlBackupResponse: model(['backup_id', 'backup_name']),
  /** huawei.md B.8: ShowGaussMySqlBackupPolicy / UpdateGaussMySqlBackupPolicy (GOV3 model_backup_policy.go, model_update_gauss_my_sql_backup_policy_response.go). */
  ShowGaussMySqlBackupPolicyResponse: model(['backup_policy'], { backup_policy: model(['keep_days', 'start_time', 'period', 'retention_num_backup_level1']) }),
  UpdateGaussMySqlBackupPolicyResponse: model(['status', 'instance_id', 'instance_name']),
  /** GetJobEntitiesInfoDetail declares no fields at all. */
  ShowGaussMySqlJobInfoResponse: model(['job'], {
    job: model(['id', 'name', 'status', 'created', 'ended', 'process', 'instance', 'entities', 'fail_reason'], {
      instance: model(['id', 'name']),
      entities: model([]),
    }),
  }),
  ShowGaussMySqlBackupListRequest: ['instance_id', 'backup_id', 'backup_type', 'offset', 'limit', 'begin_time', 'end_time', 'name', 'instance_name'],
  ListGaussMySqlInstancesRequest: ['id', 'name', 'type', 'datastore_type', 'vpc_id', 'subnet_id', 'private_ip', 'readonly_private_ip', 'proxy_ip', 'offset', 'limit', 'tags'],
  BackupStatuses: ['BUILDING', 'COMPLETED', 'FAILED', 'AVAILABLE'],
  JobStatuses: ['Pending', 'Running', 'Completed', 'Failed'],
  /** huawei.md B.5 / B.7.4 (OTC-TDB, GOV3's MysqlInstanceInfoDetail comment). */
  InstanceStatuses: [
    'BUILD', 'ACTIVE', 'FAILED', 'FROZEN', 'MODIFYING', 'REBOOTING', 'RESTORING', 'MODIFYING INSTANCE TYPE', 'SWITCHOVER',
    'MIGRATING', 'BACKING UP', 'MODIFYING DATABASE PORT', 'STORAGE FULL',
  ],
};

/** Paths of the fields in `value` that `shape` does not document; a field with no nested model (a free map such as `metadata`) is not looked into. */
export function undocumentedFields(value: unknown, shape: Model, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => undocumentedFields(item, shape, `${at}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (!shape.fields.includes(key)) return [`${at}.${key}`];
    const innerShape = shape.nested?.[key];
    return innerShape ? undocumentedFields(inner, innerShape, `${at}.${key}`) : [];
  });
}

/** The model's fields the value does not carry. */
export function missingFields(value: Record<string, unknown>, shape: Model): string[] {
  return shape.fields.filter((field) => !(field in value));
}
