import { VendorError } from '../../../domain/errors.js';
import type { UpstreamGuard } from '../../../infrastructure/upstream-guard.js';
import { UpstreamHttp } from '../../../infrastructure/upstream-http.js';
import type { ProviderKey } from '../../../domain/provider.js';
import { closeAuth, huaweiIdentity, huaweiRequest, type HuaweiAuth, type HuaweiCall } from '../auth/index.js';
import type {
  WireBackupList,
  WireBackupPolicy,
  WireBackupPolicyUpdate,
  WireCreateBackupRequest,
  WireCreateBackupResponse,
  WireDeleteBackupResponse,
  WireInstanceList,
  WireJob,
  WireRestoreRequest,
  WireRestoreTimes,
} from './wire.js';

/**
 * TaurusDB's REST calls (huawei.md B), one method each, in the vendor's own terms. Ids reach a path
 * only after the adapter has checked their format; they are URL-encoded all the same.
 */

export interface TaurusDbClientOptions {
  providerKey: ProviderKey;
  endpoint: string;
  projectId: string;
  auth: HuaweiAuth;
  timeoutMs: number;
  guard?: UpstreamGuard;
}

/** The vendor's page size bound for both list calls (huawei.md B.2, B.5). */
export const MAX_PAGE_SIZE = 100;

/** DBS.200543: "The job does not exist." (huawei.md B.4). */
const UNKNOWN_JOB = 'DBS.200543';
/** DBS.200002: "The DB instance does not exist." */
const UNKNOWN_INSTANCE = 'DBS.200002';

export interface InstanceQuery {
  offset: number;
  limit: number;
  id?: string;
}

export interface BackupQuery {
  offset: number;
  limit: number;
  instance_id?: string;
  backup_id?: string;
  /** `yyyy-mm-ddThh:mm:ss+hhmm`. */
  begin_time?: string;
  end_time?: string;
}

export class TaurusDbClient {
  private readonly http: UpstreamHttp;
  private readonly base: string;

  constructor(private readonly options: TaurusDbClientOptions) {
    this.http = new UpstreamHttp(options.endpoint, { timeoutMs: options.timeoutMs, guard: options.guard, identity: huaweiIdentity('huawei-taurusdb', options.providerKey) });
    this.base = `/v3/${encodeURIComponent(options.projectId)}`;
  }

  listInstances(query: InstanceQuery): Promise<WireInstanceList> {
    return this.call<WireInstanceList>({ method: 'GET', path: `${this.base}/instances`, query: stringify(query) });
  }

  createBackup(request: WireCreateBackupRequest): Promise<WireCreateBackupResponse> {
    return this.call<WireCreateBackupResponse>({ method: 'POST', path: `${this.base}/backups/create`, body: request });
  }

  listBackups(query: BackupQuery): Promise<WireBackupList> {
    return this.call<WireBackupList>({ method: 'GET', path: `${this.base}/backups`, query: stringify(query) });
  }

  deleteBackup(backupId: string): Promise<WireDeleteBackupResponse> {
    return this.call<WireDeleteBackupResponse>({ method: 'DELETE', path: `${this.base}/backups/${encodeURIComponent(backupId)}` });
  }

  restore(request: WireRestoreRequest): Promise<{ job_id: string }> {
    return this.call<{ job_id: string }>({ method: 'POST', path: `${this.base}/instances/restore`, body: request });
  }

  restoreTimes(instanceId: string): Promise<WireRestoreTimes> {
    return this.call<WireRestoreTimes>({ method: 'GET', path: `${this.base}/instances/${encodeURIComponent(instanceId)}/restore-time` });
  }

  /** `null` when the instance does not exist. */
  async getBackupPolicy(instanceId: string): Promise<WireBackupPolicy | null> {
    try {
      const answer = await this.call<{ backup_policy: WireBackupPolicy }>({ method: 'GET', path: this.policyPath(instanceId) });
      return answer.backup_policy;
    } catch (error) {
      if (error instanceof VendorError && error.vendorCode === UNKNOWN_INSTANCE) return null;
      throw error;
    }
  }

  updateBackupPolicy(instanceId: string, policy: WireBackupPolicyUpdate): Promise<{ status: string }> {
    return this.call<{ status: string }>({ method: 'PUT', path: `${this.policyPath(instanceId)}/update`, body: { backup_policy: policy } });
  }

  private policyPath(instanceId: string): string {
    return `${this.base}/instances/${encodeURIComponent(instanceId)}/backups/policy`;
  }

  /** `null` when the service does not know the job (any more: it keeps a month of tasks). */
  async getJob(jobId: string): Promise<WireJob | null> {
    try {
      const { job } = await this.call<{ job: WireJob }>({ method: 'GET', path: `${this.base}/jobs`, query: { id: jobId } });
      return job;
    } catch (error) {
      if (error instanceof VendorError && error.vendorCode === UNKNOWN_JOB) return null;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.http.close();
    await closeAuth(this.options.auth);
  }

  private async call<T>(call: Omit<HuaweiCall, 'providerKey' | 'projectId'>): Promise<T> {
    const response = await huaweiRequest<T>(this.http, this.options.auth, {
      ...call,
      providerKey: this.options.providerKey,
      projectId: this.options.projectId,
    });
    return response.body;
  }
}

function stringify(query: object): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(query).map(([key, value]) => [key, value === undefined ? undefined : String(value)]));
}
