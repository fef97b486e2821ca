/**
 * The field names Huawei documents for each response the simulators serve, written out by hand from
 * the models of the official Node SDK (huaweicloud-sdk-nodejs-v3 at b081640b, release 3.1.209:
 * services/evs/v2/model, services/gaussdb/v3/model and services/cbr/v1/model; the registry serves no
 * evs, gaussdb or cbr package, huawei.md D) and, for VBS, which has no v3 SDK package, from
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

// --- CBR v1 (huawei-cbr.md F; NODE services/cbr/v1/model) ----------------------------------------------

const ResourceExtraInfo = model(['exclude_volumes', 'include_volumes'], { include_volumes: model(['id', 'os_version']) });
const Billing = model([
  'allocated', 'charging_mode', 'cloud_type', 'consistent_level', 'object_type', 'order_id', 'product_id', 'protect_type', 'size',
  'spec_code', 'status', 'storage_unit', 'used', 'frozen_scene', 'is_multi_az',
]);
const ResourceResp = model(['extra_info', 'id', 'name', 'protect_status', 'size', 'type', 'backup_size', 'backup_count', 'auto_protect'], { extra_info: ResourceExtraInfo });
const Vault = model(
  [
    'billing', 'description', 'id', 'name', 'project_id', 'provider_id', 'resources', 'tags', 'enterprise_project_id', 'auto_bind',
    'bind_rules', 'user_id', 'created_at', 'auto_expand', 'smn_notify', 'threshold', 'sys_lock_source_service', 'locked', 'availability_zone',
  ],
  { billing: Billing, resources: ResourceResp, tags: Tag, bind_rules: model(['tags'], { tags: Tag }) },
);
/** VaultGet: the vault a protectable names, Vault's fields plus two. */
const VaultGet = model([...Vault.fields, 'updated_at', 'version'], Vault.nested);
const BackupExtendInfo = model(
  ['auto_trigger', 'bootable', 'snapshot_id', 'support_lld', 'supported_restore_mode', 'os_images_data', 'contain_system_disk', 'encrypted', 'system_disk', 'is_multi_az'],
  { os_images_data: model(['image_id']) },
);
const backupRespFields = [
  'checkpoint_id', 'created_at', 'description', 'expired_at', 'extend_info', 'id', 'image_type', 'name', 'parent_id', 'project_id',
  'protected_at', 'resource_az', 'resource_id', 'resource_name', 'resource_size', 'resource_type', 'status', 'updated_at', 'vault_id',
  'replication_records', 'enterprise_project_id', 'provider_id', 'children', 'incremental', 'version',
];
const ReplicationRecordGet = model(
  [
    'created_at', 'destination_backup_id', 'destination_checkpoint_id', 'destination_project_id', 'destination_region', 'destination_vault_id',
    'extra_info', 'id', 'source_backup_id', 'source_checkpoint_id', 'source_project_id', 'source_region', 'status', 'vault_id',
  ],
);
/** BackupResp nests itself in `children`. */
const BackupResp: Model = {
  fields: backupRespFields,
  get nested() {
    return { extend_info: BackupExtendInfo, replication_records: ReplicationRecordGet, children: BackupResp };
  },
};
const CheckpointCreate = model(['created_at', 'id', 'project_id', 'status', 'vault', 'extra_info'], {
  vault: model(['id', 'name', 'resources', 'skipped_resources'], {
    resources: model(['extra_info', 'id', 'name', 'protect_status', 'resource_size', 'type', 'backup_size', 'backup_count']),
    skipped_resources: model(['id', 'type', 'name', 'code', 'reason']),
  }),
  extra_info: model(['name', 'description', 'retention_duration']),
});
const Resource = model(['extra_info', 'id', 'name', 'type'], { extra_info: ResourceExtraInfo });
const OperationLog = model(
  [
    'checkpoint_id', 'created_at', 'ended_at', 'error_info', 'extra_info', 'id', 'operation_type', 'policy_id', 'project_id', 'provider_id',
    'started_at', 'status', 'updated_at', 'vault_id', 'vault_name',
  ],
  {
    error_info: model(['code', 'message']),
    extra_info: model(['backup', 'common', 'delete', 'sync', 'remove_resources', 'replication', 'resource', 'restore', 'vault_delete'], {
      backup: model(['app_consistency_error_code', 'app_consistency_error_message', 'app_consistency_status', 'backup_id', 'backup_name', 'incremental']),
      common: model(['progress', 'request_id', 'task_id']),
      delete: model(['backup_id', 'backup_name']),
      sync: model(['sync_backup_num', 'delete_backup_num', 'err_sync_backup_num']),
      remove_resources: model(['fail_count', 'total_count', 'resources'], { resources: Resource }),
      replication: model([
        'destination_backup_id', 'destination_checkpoint_id', 'destination_project_id', 'destination_region', 'source_backup_id',
        'source_checkpoint_id', 'source_project_id', 'source_region', 'source_backup_name', 'destination_backup_name',
      ]),
      resource: Resource,
      restore: model(['backup_id', 'backup_name', 'target_resource_id', 'target_resource_name']),
      vault_delete: model(['fail_count', 'total_count']),
    }),
  },
);
/** `detail` is a free object and `children` an array of them in the model. */
const ProtectablesResp = model(['children', 'detail', 'id', 'name', 'protectable', 'size', 'status', 'type'], {
  protectable: model(['code', 'reason', 'result', 'vault', 'message'], { vault: VaultGet }),
});

export const CBR = {
  ListVaultResponse: model(['vaults', 'count', 'limit', 'offset'], { vaults: Vault }),
  ShowVaultResponse: model(['vault'], { vault: Vault }),
  AddVaultResourceResponse: model(['add_resource_ids']),
  RemoveVaultResourceResponse: model(['remove_resource_ids']),
  /** No `count`: neither NODE nor GOV3 (model_list_protectable_response.go) documents one. */
  ListProtectableResponse: model(['instances'], { instances: ProtectablesResp }),
  ListBackupsResponse: model(['backups', 'count', 'offset', 'limit'], { backups: BackupResp }),
  ShowBackupResponse: model(['backup'], { backup: BackupResp }),
  CreateCheckpointResponse: model(['checkpoint'], { checkpoint: CheckpointCreate }),
  ShowCheckpointResponse: model(['checkpoint'], { checkpoint: CheckpointCreate }),
  /** NODE models the 202 as empty (and hands back the raw JSON); TF reads the operation log's id as `job_id` (F.5). */
  RestoreBackupResponse: model(['job_id']),
  ListOpLogsResponse: model(['operation_logs', 'count', 'limit', 'offset'], { operation_logs: OperationLog }),
  ShowOpLogResponse: model(['operation_log'], { operation_log: OperationLog }),
  ListBackupsRequest: [
    'checkpoint_id', 'dec', 'end_time', 'image_type', 'limit', 'marker', 'name', 'offset', 'resource_az', 'resource_id', 'resource_name',
    'resource_type', 'sort', 'start_time', 'status', 'vault_id', 'enterprise_project_id', 'own_type', 'member_status', 'parent_id',
    'used_percent', 'show_replication', 'incremental',
  ],
  ListOpLogsRequest: [
    'end_time', 'limit', 'offset', 'operation_type', 'provider_id', 'resource_id', 'resource_name', 'start_time', 'status', 'vault_id',
    'vault_name', 'enterprise_project_id',
  ],
  ListVaultRequest: ['limit', 'name', 'offset', 'cloud_type', 'protect_type', 'object_type', 'enterprise_project_id', 'id', 'policy_id', 'status', 'resource_ids'],
  ListProtectableRequest: ['limit', 'marker', 'name', 'offset', 'protectable_type', 'status', 'id', 'server_id'],
  BackupStatuses: ['available', 'protecting', 'deleting', 'restoring', 'error', 'waiting_protect', 'waiting_delete', 'waiting_restore'],
  OperationLogStatuses: ['success', 'skipped', 'failed', 'running', 'timeout', 'waiting'],
  CheckpointStatuses: ['available', 'deleting', 'protecting', 'deleted', 'error-deleting', 'error'],
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
