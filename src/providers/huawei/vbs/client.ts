import type { UpstreamHttp } from '../../../infrastructure/upstream-http.js';
import type { ProviderKey } from '../../../domain/provider.js';
import { closeAuth, type HuaweiAuth } from '../auth/authorize.js';
import { huaweiRequest, orNullOn404 } from '../auth/request.js';

/**
 * The VBS and EVS calls the adapter needs, one method per vendor operation, with the vendor's JSON
 * shapes. Ids must be validated (UUIDs) by the caller before they are put in a path.
 */

export interface VbsBackup {
  id: string;
  name: string | null;
  status: string;
  description: string | null;
  volume_id: string;
  snapshot_id: string | null;
  size: number | string | null;
  fail_reason: string | null;
  created_at: string | null;
  updated_at: string | null;
  data_timestamp?: string | null;
  availability_zone?: string | null;
  object_count?: number | null;
  container?: string | null;
  is_incremental?: boolean;
  has_dependent_backups?: boolean;
  service_metadata?: string | null;
}

export interface VbsJob {
  job_id: string;
  job_type?: string;
  status: 'INIT' | 'RUNNING' | 'SUCCESS' | 'FAIL' | string;
  entities?: Record<string, unknown> | null;
  begin_time?: string | null;
  end_time?: string | null;
  error_code?: string | null;
  fail_reason?: string | null;
}

/** A backup policy as VBS lists it (huawei.md A.9; `rentention_*` is the wire's spelling). */
/** One run of a policy on one disk (A.9): its status and the backup it names. */
export interface VbsBackupTask {
  job_id: string;
  resource_id: string;
  backup_name?: string;
  status: string;
  created_at?: string;
}

export interface VbsPolicy {
  backup_policy_id: string;
  backup_policy_name: string;
  scheduled_policy: VbsScheduledPolicy;
  policy_resource_count?: number;
  /** `UTC+08:00`: a fixed offset. */
  time_zone?: string;
}

export interface VbsScheduledPolicy {
  start_time: string;
  frequency?: number;
  week_frequency?: string[];
  rentention_num?: number;
  rentention_day?: number;
  remain_first_backup_of_curMonth: 'Y' | 'N';
  status: 'ON' | 'OFF';
}

export interface VbsPolicyWrite {
  backup_policy_name: string;
  scheduled_policy: Partial<VbsScheduledPolicy>;
  time_zone?: string;
}

export interface VbsResourceAnswer {
  success_resources: { resource_id: string }[];
  fail_resources: { resource_id: string; code?: string; message?: string }[];
}

export interface EvsVolume {
  id: string;
  name: string | null;
  status: string;
  size: number | string | null;
  volume_type: string | null;
  availability_zone?: string;
  attachments?: { server_id: string; device?: string }[];
  created_at: string | null;
  updated_at?: string | null;
}

export interface EvsSnapshot {
  id: string;
  name: string | null;
  description: string | null;
  status: string;
  volume_id: string | null;
  size: number | string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface BackupListQuery {
  volumeId?: string;
  status?: string;
  name?: string;
  limit: number;
  offset?: number;
  marker?: string;
}

export interface VbsClientOptions {
  providerKey: ProviderKey;
  projectId: string;
  auth: HuaweiAuth;
  vbs: UpstreamHttp;
  evs: UpstreamHttp;
}

/** The most ids EVS accepts in one `ids` filter (huawei.md A.8). */
export const EVS_IDS_PER_REQUEST = 60;

export class VbsClient {
  constructor(private readonly options: VbsClientOptions) {}

  async createBackup(backup: {
    volume_id: string;
    snapshot_id?: string;
    name: string;
    description?: string;
    tags?: { key: string; value: string }[];
  }): Promise<{ job_id: string }> {
    return this.vbs<{ job_id: string }>('POST', `/v2/${this.pid}/cloudbackups`, { body: { backup } });
  }

  /** Cloud restore (huawei.md A.5): writes the backup onto `volumeId`; a job follows it. */
  async restoreBackup(backupId: string, volumeId: string): Promise<{ job_id: string }> {
    return this.vbs<{ job_id: string }>('POST', `/v2/${this.pid}/cloudbackups/${backupId}/restore`, { body: { restore: { volume_id: volumeId } } });
  }

  /** VBS jobs live under /v1 on the VBS host (huawei.md A.2). `null` for an unknown job. */
  async getJob(jobId: string): Promise<VbsJob | null> {
    return orNullOn404(this.vbs<VbsJob>('GET', `/v1/${this.pid}/jobs/${encodeURIComponent(jobId)}`));
  }

  async getBackup(id: string): Promise<VbsBackup | null> {
    const found = await orNullOn404(this.vbs<{ backup: VbsBackup }>('GET', `/v2/${this.pid}/backups/${id}`));
    return found?.backup ?? null;
  }

  /** Native list, newest first (created_at desc, then id desc, as Cinder orders ties). */
  async listBackups(query: BackupListQuery): Promise<VbsBackup[]> {
    const result = await this.vbs<{ backups: VbsBackup[] }>('GET', `/v2/${this.pid}/backups/detail`, {
      query: {
        volume_id: query.volumeId,
        status: query.status,
        name: query.name,
        limit: String(query.limit),
        offset: query.offset === undefined ? undefined : String(query.offset),
        marker: query.marker,
        sort_key: 'created_at',
        sort_dir: 'desc',
      },
    });
    return result.backups;
  }

  /** Native delete: 202, then the backup is `deleting` until it is gone (404). */
  async deleteBackup(id: string): Promise<void> {
    await this.vbs('DELETE', `/v2/${this.pid}/backups/${id}`);
  }

  /** Summary list with one row: the cheapest authenticated call. */
  async ping(): Promise<void> {
    await this.vbs('GET', `/v2/${this.pid}/backups`, { query: { limit: '1' } });
  }

  async listVolumes(query: { ids?: string[]; limit: number; offset?: number }): Promise<{ volumes: EvsVolume[]; count: number | null }> {
    const result = await this.evs<{ volumes: EvsVolume[]; count?: number }>('GET', `/v2/${this.pid}/cloudvolumes/detail`, {
      query: {
        ids: query.ids ? `[${query.ids.map((id) => `'${id}'`).join(',')}]` : undefined,
        limit: String(query.limit),
        offset: query.offset === undefined ? undefined : String(query.offset),
      },
    });
    return { volumes: result.volumes, count: result.count ?? null };
  }

  async getSnapshot(id: string): Promise<EvsSnapshot | null> {
    const found = await orNullOn404(this.evs<{ snapshot: EvsSnapshot }>('GET', `/v2/${this.pid}/cloudsnapshots/${id}`));
    return found?.snapshot ?? null;
  }

  async listSnapshots(query: { volumeId?: string; limit: number; offset: number }): Promise<{ snapshots: EvsSnapshot[]; count: number | null }> {
    const result = await this.evs<{ snapshots: EvsSnapshot[]; count?: number }>('GET', `/v2/${this.pid}/cloudsnapshots/detail`, {
      query: { volume_id: query.volumeId, limit: String(query.limit), offset: String(query.offset) },
    });
    return { snapshots: result.snapshots, count: result.count ?? null };
  }

  /** Every backup policy of the project: the only read, no filters, no paging (huawei.md A.9). */
  async listBackupPolicies(): Promise<VbsPolicy[]> {
    return (await this.vbs<{ backup_policies: VbsPolicy[] }>('GET', `/v2/${this.pid}/backuppolicy`)).backup_policies;
  }

  async createBackupPolicy(body: VbsPolicyWrite): Promise<string> {
    return (await this.vbs<{ backup_policy_id: string }>('POST', `/v2/${this.pid}/backuppolicy`, { body })).backup_policy_id;
  }

  async updateBackupPolicy(id: string, body: Partial<VbsPolicyWrite>): Promise<void> {
    await this.vbs('PUT', `/v2/${this.pid}/backuppolicy/${encodeURIComponent(id)}`, { body });
  }

  async deleteBackupPolicy(id: string): Promise<void> {
    await this.vbs('DELETE', `/v2/${this.pid}/backuppolicy/${encodeURIComponent(id)}`);
  }

  associate(policyId: string, diskIds: readonly string[]): Promise<VbsResourceAnswer> {
    const resources = diskIds.map((id) => ({ resource_id: id, resource_type: 'volume' }));
    return this.vbs<VbsResourceAnswer>('POST', `/v2/${this.pid}/backuppolicyresources`, { body: { backup_policy_id: policyId, resources } });
  }

  disassociate(policyId: string, diskIds: readonly string[]): Promise<VbsResourceAnswer> {
    const resources = diskIds.map((id) => ({ resource_id: id }));
    return this.vbs<VbsResourceAnswer>('POST', `/v2/${this.pid}/backuppolicyresources/${encodeURIComponent(policyId)}/deleted_resources`, { body: { resources } });
  }

  /** The newest runs of a policy: each names the disk it backed up. */
  backupTasks(policyId: string, limit: number): Promise<VbsBackupTask[]> {
    return this.tasksOf(policyId, { limit: String(limit), sort_dir: 'desc' });
  }

  /** A policy's tasks oldest first, after the task `marker` (a job id) when given. */
  backupTasksAfter(policyId: string, marker: string | null, limit: number): Promise<VbsBackupTask[]> {
    return this.tasksOf(policyId, { limit: String(limit), sort_dir: 'asc', sort_key: 'created_at', marker: marker ?? undefined });
  }

  /** Execute now (A.9): 204; AutoBackup.0225 while a run of the policy is executing. */
  async executeBackupPolicy(policyId: string): Promise<void> {
    await this.vbs('POST', `/v2/${this.pid}/backuppolicy/${encodeURIComponent(policyId)}/action`);
  }

  private async tasksOf(policyId: string, query: Record<string, string | undefined>): Promise<VbsBackupTask[]> {
    const path = `/v2/${this.pid}/backuppolicy/${encodeURIComponent(policyId)}/backuptasks`;
    return (await this.vbs<{ tasks: VbsBackupTask[] }>('GET', path, { query })).tasks;
  }

  async close(): Promise<void> {
    await this.options.vbs.close();
    if (this.options.evs !== this.options.vbs) await this.options.evs.close();
    await closeAuth(this.options.auth);
  }

  private get pid(): string {
    return this.options.projectId;
  }

  private vbs<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, extra: { query?: Record<string, string | undefined>; body?: unknown } = {}): Promise<T> {
    return this.call<T>(this.options.vbs, method, path, extra);
  }

  private evs<T>(method: 'GET', path: string, extra: { query?: Record<string, string | undefined> } = {}): Promise<T> {
    return this.call<T>(this.options.evs, method, path, extra);
  }

  private async call<T>(
    http: UpstreamHttp,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    extra: { query?: Record<string, string | undefined>; body?: unknown },
  ): Promise<T> {
    const { providerKey, projectId, auth } = this.options;
    const response = await huaweiRequest<T>(http, auth, { providerKey, method, path, projectId, ...extra });
    return response.body;
  }
}

