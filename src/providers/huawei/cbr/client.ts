import type { ProviderKey } from '../../../domain/provider.js';
import type { UpstreamHttp } from '../../../infrastructure/upstream-http.js';
import { closeAuth, type HuaweiAuth } from '../auth/authorize.js';
import { huaweiRequest, orNullOn404 } from '../auth/request.js';

/**
 * The CBR calls the adapter needs (huawei-cbr.md F), one method per vendor operation, with the
 * vendor's JSON shapes. Ids must be validated (UUIDs) by the caller before they are put in a path.
 */

export interface CbrVaultResource {
  id: string;
  type: string;
  name?: string | null;
  protect_status?: string | null;
  size?: number | string | null;
}

export interface CbrVault {
  id: string;
  name: string;
  created_at?: string | null;
  billing: { size?: number | null; used?: number | null; allocated?: number | null; status?: string | null; object_type?: string | null };
  resources?: CbrVaultResource[];
}

export interface CbrBackup {
  id: string;
  name: string | null;
  description?: string | null;
  checkpoint_id: string;
  vault_id: string;
  parent_id?: string | null;
  resource_id: string;
  resource_name?: string | null;
  resource_type: string;
  resource_size?: number | string | null;
  status: string;
  created_at?: string | null;
  updated_at?: string | null;
  children?: CbrBackup[];
}

export interface CbrProtectable {
  id: string;
  name?: string | null;
  type?: string | null;
  size?: number | string | null;
  status?: string | null;
  detail?: { server_id?: string | null } | null;
  protectable?: { result?: boolean; vault?: { id: string; name?: string } | null; code?: string; reason?: string } | null;
}

export interface CbrCheckpoint {
  id: string;
  status?: string;
  /** F.4: resources CBR did not back up (already being backed up ...), with its code and reason. */
  vault?: { skipped_resources?: { id: string; code?: string | null; reason?: string | null }[] | null } | null;
}

export interface CbrOperationLog {
  id: string;
  operation_type: string;
  status: string;
  checkpoint_id?: string | null;
  vault_id?: string | null;
  created_at?: string | null;
  ended_at?: string | null;
  error_info?: { code?: string | null; message?: string | null } | null;
  extra_info?: {
    common?: { progress?: number | null } | null;
    backup?: { backup_id?: string | null } | null;
    restore?: { backup_id?: string | null; target_resource_id?: string | null } | null;
  } | null;
}

/** The list and restore answers, as the client reads them. */
export interface CbrVaultList {
  vaults: CbrVault[];
  count?: number;
}
export interface CbrProtectableList {
  instances: CbrProtectable[];
}
export interface CbrBackupList {
  backups: CbrBackup[];
}
export interface CbrOperationLogList {
  operation_logs: CbrOperationLog[];
}
/** F.5: 202, with the operation log's id as `job_id` where the service gives one. */
export interface CbrRestoreAnswer {
  job_id?: string;
}

/** F.6 `operation_definition`: -1 (or absent) is "not kept by this rule". */
export interface CbrOperationDefinition {
  max_backups?: number | null;
  retention_duration_days?: number | null;
  day_backups?: number | null;
  week_backups?: number | null;
  month_backups?: number | null;
  year_backups?: number | null;
  /** `UTC+08:00`: where the long-term counts cut their days. */
  timezone?: string | null;
}

export interface CbrPolicy {
  id: string;
  name: string;
  enabled?: boolean | null;
  operation_type?: string | null;
  operation_definition?: CbrOperationDefinition | null;
  /** F.6: `start_time` is documented `2020-01-08 09:59:49` and shown `…T06:57:05.000+00:00`. */
  trigger?: { properties?: { pattern?: string[] | null; start_time?: string | null } | null } | null;
  associated_vaults?: { vault_id: string }[] | null;
}

export interface CbrPolicyWrite {
  name?: string;
  operation_type?: 'backup';
  enabled?: boolean;
  trigger?: { properties: { pattern: string[] } };
  operation_definition?: CbrOperationDefinition;
}

export interface CbrBackupQuery {
  vaultId?: string;
  resourceId?: string;
  resourceType?: string;
  statuses?: string[];
  /** `YYYY-MM-DDTHH:MM:SSZ` (F.3). */
  startTime?: string;
  endTime?: string;
  limit: number;
  offset?: number;
}

export interface CbrClientOptions {
  providerKey: ProviderKey;
  projectId: string;
  auth: HuaweiAuth;
  http: UpstreamHttp;
}

/** F.2: the protectables listing pages by at most 50. */
export const PROTECTABLES_PER_PAGE = 50;
export const DISK_RESOURCE = 'OS::Cinder::Volume';
export const SERVER_RESOURCE = 'OS::Nova::Server';

export class CbrClient {
  constructor(private readonly options: CbrClientOptions) {}

  async listVaults(query: { limit: number; offset: number; resourceIds?: string[] }): Promise<{ vaults: CbrVault[]; count: number }> {
    const result = await this.call<CbrVaultList>('GET', '/vaults', {
      query: { limit: String(query.limit), offset: String(query.offset), resource_ids: query.resourceIds?.join(',') },
    });
    return { vaults: result.vaults, count: result.count ?? result.vaults.length };
  }

  async getVault(id: string): Promise<CbrVault | null> {
    return (await orNullOn404(this.call<{ vault: CbrVault }>('GET', `/vaults/${id}`)))?.vault ?? null;
  }

  async addResources(vaultId: string, resources: { id: string; type: string }[]): Promise<void> {
    await this.call('POST', `/vaults/${vaultId}/addresources`, { body: { resources } });
  }

  /** F.2 ⚠: deletes the resources' backups in the vault. */
  async removeResources(vaultId: string, resourceIds: string[]): Promise<void> {
    await this.call('POST', `/vaults/${vaultId}/removeresources`, { body: { resource_ids: resourceIds } });
  }

  async listProtectableDisks(query: { id?: string; limit: number; offset: number }): Promise<CbrProtectable[]> {
    const result = await this.call<CbrProtectableList>('GET', '/protectables/disk/instances', {
      query: { id: query.id, limit: String(query.limit), offset: String(query.offset) },
    });
    return result.instances;
  }

  /** F.4: answers the checkpoint; its backups are found later by their `checkpoint_id`. */
  async createCheckpoint(vaultId: string, parameters: { resources: string[]; name: string; description?: string }): Promise<CbrCheckpoint> {
    const result = await this.call<{ checkpoint: CbrCheckpoint }>('POST', '/checkpoints', { body: { checkpoint: { vault_id: vaultId, parameters } } });
    return result.checkpoint;
  }

  /** Newest first, ties by id (F.3 `sort`), so offsets walk one fixed order. */
  async listBackups(query: CbrBackupQuery): Promise<CbrBackup[]> {
    const result = await this.call<CbrBackupList>('GET', '/backups', {
      query: {
        vault_id: query.vaultId,
        resource_id: query.resourceId,
        resource_type: query.resourceType,
        status: query.statuses,
        start_time: query.startTime,
        end_time: query.endTime,
        sort: 'created_at:desc,id:desc',
        limit: String(query.limit),
        offset: query.offset === undefined ? undefined : String(query.offset),
      },
    });
    return result.backups;
  }

  /** Show fills `children` of a server backup, which the list leaves empty (F.3). */
  async getBackup(id: string): Promise<CbrBackup | null> {
    return (await orNullOn404(this.call<{ backup: CbrBackup }>('GET', `/backups/${id}`)))?.backup ?? null;
  }

  async deleteBackup(id: string): Promise<void> {
    await this.call('DELETE', `/backups/${id}`);
  }

  async restoreBackup(backupId: string, volumeId: string): Promise<CbrRestoreAnswer | undefined> {
    return this.call<CbrRestoreAnswer | undefined>('POST', `/backups/${backupId}/restore`, { body: { restore: { volume_id: volumeId } } });
  }

  async getOperationLog(id: string): Promise<CbrOperationLog | null> {
    return (await orNullOn404(this.call<{ operation_log: CbrOperationLog }>('GET', `/operation-logs/${id}`)))?.operation_log ?? null;
  }

  /** F.4: no checkpoint filter; the caller matches `checkpoint_id` itself. One page of the largest size (F.7). */
  async listOperationLogs(query: { vaultId: string; operationType: string; startTime: string }): Promise<CbrOperationLog[]> {
    const result = await this.call<CbrOperationLogList>('GET', '/operation-logs', {
      query: { vault_id: query.vaultId, operation_type: query.operationType, start_time: query.startTime, limit: '1000', offset: '0' },
    });
    return result.operation_logs;
  }

  /** F.6: every backup policy at once (no paging). */
  async listPolicies(): Promise<CbrPolicy[]> {
    return (await this.call<{ policies: CbrPolicy[] }>('GET', '/policies', { query: { operation_type: 'backup' } })).policies;
  }

  async getPolicy(id: string): Promise<CbrPolicy | null> {
    return (await orNullOn404(this.call<{ policy: CbrPolicy }>('GET', `/policies/${id}`)))?.policy ?? null;
  }

  async createPolicy(policy: CbrPolicyWrite): Promise<CbrPolicy> {
    return (await this.call<{ policy: CbrPolicy }>('POST', '/policies', { body: { policy } })).policy;
  }

  async updatePolicy(id: string, policy: CbrPolicyWrite): Promise<CbrPolicy> {
    return (await this.call<{ policy: CbrPolicy }>('PUT', `/policies/${id}`, { body: { policy } })).policy;
  }

  async deletePolicy(id: string): Promise<void> {
    await this.call('DELETE', `/policies/${id}`);
  }

  /** F.2: both bindings are POSTs on the vault. */
  async associatePolicy(vaultId: string, policyId: string): Promise<void> {
    await this.call('POST', `/vaults/${vaultId}/associatepolicy`, { body: { policy_id: policyId } });
  }

  async dissociatePolicy(vaultId: string, policyId: string): Promise<void> {
    await this.call('POST', `/vaults/${vaultId}/dissociatepolicy`, { body: { policy_id: policyId } });
  }

  async ping(): Promise<void> {
    await this.call('GET', '/vaults', { query: { limit: '1' } });
  }

  async close(): Promise<void> {
    await this.options.http.close();
    await closeAuth(this.options.auth);
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, extra: { query?: Record<string, string | string[] | undefined>; body?: unknown } = {}): Promise<T> {
    const { providerKey, projectId, auth, http } = this.options;
    const response = await huaweiRequest<T>(http, auth, { providerKey, method, path: `/v3/${projectId}${path}`, projectId, ...extra });
    return response.body;
  }
}


/** F.3: the list's time window takes whole seconds with `Z`. */
export function windowTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}
