/**
 * TaurusDB's JSON as the client reads it (huawei.md B.1–B.5): only the fields backupgraph reads, each
 * one the vendor documents.
 */

export type WireBackupStatus = 'BUILDING' | 'COMPLETED' | 'FAILED' | 'AVAILABLE';
export type WireJobStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Unauthorized' | 'Canceled';

export interface WireBackup {
  id: string;
  name: string;
  description?: string | null;
  /** `yyyy-mm-ddThh:mm:ss+0800`: the offset has no colon. */
  begin_time: string;
  end_time?: string | null;
  status: string;
  take_up_time?: number;
  type: 'auto' | 'manual' | string;
  /** Megabytes. */
  size?: number | null;
  datastore?: { type: string; version: string };
  instance_id: string;
}

export interface WireBackupList {
  backups: WireBackup[];
  total_count: number;
}

export interface WireCreateBackupRequest {
  instance_id: string;
  name: string;
  description?: string;
}

export interface WireCreateBackupResponse {
  backup: WireBackup;
  job_id: string;
}

export interface WireDeleteBackupResponse {
  backup_id: string;
  backup_name: string;
}

export interface WireJob {
  id: string;
  name: string;
  status: string;
  created: string;
  ended: string;
  /** `"60%"` while running, otherwise `""`. */
  process: string;
  instance?: { id: string; name: string };
  fail_reason?: string | null;
}

export interface WireInstance {
  id: string;
  name: string;
  status: string;
  type?: string;
  port?: string;
  datastore?: { type: string; version: string; kernel_version?: string };
  created?: string;
  updated?: string;
}

export interface WireInstanceList {
  instances: WireInstance[];
  total_count: number;
}

/** The service's own error body (huawei.md B.6); the API gateway adds `request_id` (C.4). */
export interface WireError {
  error_code: string;
  error_msg: string;
  request_id?: string;
}

/** RestoreOldInstance (huawei.md B.7.1): flat, `backup_id` with type backup, `restore_time` (epoch ms) with timestamp. */
export interface WireRestoreRequest {
  target_instance_id: string;
  source_instance_id: string;
  type: 'backup' | 'timestamp';
  backup_id?: string;
  restore_time?: number;
}

/** ShowBackupRestoreTime (B.7.2): note the plural key; times are epoch ms, UTC. */
export interface WireRestoreTimes {
  restore_times: { start_time: number | string; end_time: number | string }[];
}

/**
 * The automated backup policy (huawei.md B.8.1): `start_time` `hh:mm-HH:MM` UTC and `period` weekday
 * digits are optional on the read side; `keep_days` may come as a string (`"7,"` in a doc example).
 */
export interface WireBackupPolicy {
  keep_days: number | string;
  start_time?: string;
  period?: string;
}

/** B.8.2: all three fields, every time. */
export interface WireBackupPolicyUpdate {
  keep_days: number;
  start_time: string;
  period: string;
}
