import pLimit from 'p-limit';
import { NotFoundError, ValidationError, VendorError } from '../../../domain/errors.js';
import { isAfterPosition, matchesBackupFilter } from '../../../domain/newest-first.js';
import { UpstreamHttp } from '../../../infrastructure/upstream-http.js';
import { huaweiIdentity } from '../auth/index.js';
import { deletedBackupOf, deletionState, startDeletion } from '../deletion-jobs.js';
import { answers, UpstreamGuard, type CircuitStatus } from '../../../infrastructure/upstream-guard.js';
import { createOnce, lookupOf, madeBy, pollLookup, type CreateLookup } from '../unconfirmed-creates.js';
import type { AttachBackupPolicyRequest, BackupPolicyRecord, CreateBackupPolicyRequest, RunBackupPolicyRequest, UpdateBackupPolicyRequest } from '../../../domain/backup-policy.js';
import { VbsPolicies } from './policies.js';
import { executePolicy, pollRunSlot, runSlotOf } from './policy-runs.js';
import type {
  BackupListFilter,
  BackupListRequest,
  BackupProvider,
  BackupRecord,
  CreateVolumeBackupRequest,
  DeleteMode,
  JobRecord,
  JobState,
  OffsetPage,
  Page,
  ProviderKey,
  ResourceType,
  ReadOutcome,
  RestoreBackupRequest,
  SnapshotRecord,
  StartedJob,
  VolumeRecord,
  WatchedItem,
} from '../../../domain/provider.js';
import { groupWatched, readWatched } from '../../watched-reads.js';
import type { HuaweiAuth } from '../auth/authorize.js';
import { EVS_IDS_PER_REQUEST, VbsClient, type BackupListQuery } from './client.js';
import { assertValidBackupInput, isUuid } from './constraints.js';
import { BACKUP_STATUS, toBackupRecord, toJobState, toSnapshotRecord, toVolumeRecord } from './mapping.js';

export interface VbsProviderOptions {
  key: ProviderKey;
  name: string;
  /** VBS host (e.g. https://vbs.cn-north-4.myhuaweicloud.com); serves /v2 backups and /v1 jobs. */
  endpoint: string;
  /** EVS host for volumes and snapshots; defaults to `endpoint`. */
  evsEndpoint?: string;
  projectId: string;
  auth: HuaweiAuth;
  timeoutMs: number;
  /** The provider's circuit breaker and queues, shared by the VBS and EVS hosts. */
  guard?: UpstreamGuard;
}

/** Rows per native list request while paging for listBackups. */
const VENDOR_PAGE_SIZE = 100;
/** Vendor statuses a backup passes through: watched backups in them are found by listing the status. */
const PASSING_STATUSES = new Set(['creating', 'deleting', 'restoring']);
/** Parallel single-resource GETs for one batch read. */
const GET_CONCURRENCY = 8;

/**
 * Huawei Cloud VBS (EVS disk backups) behind the port. Backups are created through the cloud API
 * (job-based) and read and deleted through the native OpenStack API, as every real client does.
 */
export class VbsProvider implements BackupProvider {
  readonly key: ProviderKey;
  readonly name: string;
  readonly kind = 'HUAWEI_VBS' as const;
  private readonly client: VbsClient;
  private readonly limitGets = pLimit(GET_CONCURRENCY);
  private readonly guard: UpstreamGuard;
  private readonly policies: VbsPolicies;

  constructor(options: VbsProviderOptions) {
    this.key = options.key;
    this.name = options.name;
    this.guard = options.guard ?? new UpstreamGuard(options.key);
    const http = { timeoutMs: options.timeoutMs, guard: this.guard, identity: huaweiIdentity('huawei-vbs', options.key) };
    const vbs = new UpstreamHttp(options.endpoint, http);
    const evs = options.evsEndpoint && options.evsEndpoint !== options.endpoint ? new UpstreamHttp(options.evsEndpoint, http) : vbs;
    this.client = new VbsClient({ providerKey: options.key, projectId: options.projectId, auth: options.auth, vbs, evs });
    this.policies = new VbsPolicies(this.key, this.client, this.limitGets);
  }

  isValidId(type: ResourceType, vendorId: string): boolean {
    return (type === 'Volume' || type === 'Backup' || type === 'Snapshot' || type === 'BackupPolicy') && isUuid(vendorId);
  }

  circuit(): CircuitStatus {
    return this.guard.circuit;
  }

  checkHealth(): Promise<boolean> {
    return answers(() => this.client.ping());
  }

  getBackupPolicies(ids: readonly string[]): Promise<(BackupPolicyRecord | null)[]> {
    return this.policies.get(ids);
  }

  listBackupPolicies(page: OffsetPage): Promise<Page<BackupPolicyRecord>> {
    return this.policies.list(page);
  }

  createBackupPolicy(request: CreateBackupPolicyRequest): Promise<BackupPolicyRecord> {
    return this.policies.create(request);
  }

  updateBackupPolicy(request: UpdateBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    return this.policies.update(request);
  }

  deleteBackupPolicy(id: string): Promise<boolean> {
    return this.policies.remove(id);
  }

  attachBackupPolicy(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    return this.policies.attach(request);
  }

  detachBackupPolicy(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    return this.policies.detach(request);
  }

  /** Execute now; one job per disk of the policy (policy-runs.ts). */
  runBackupPolicy(request: RunBackupPolicyRequest): Promise<StartedJob[] | null> {
    return executePolicy(this.client, request);
  }

  async getBackups(ids: readonly string[]): Promise<(BackupRecord | null)[]> {
    return Promise.all(
      ids.map((id) =>
        isUuid(id) ? this.limitGets(async () => mapOrNull(await this.client.getBackup(id), (b) => toBackupRecord(this.key, b))) : null,
      ),
    );
  }

  /**
   * One listing per vendor status that several watched backups were last seen in (`status=creating`
   * answers every backup still being created), then one GET for each backup that has left it.
   */
  refreshBackups(watched: readonly WatchedItem<BackupRecord>[]): Promise<Map<string, ReadOutcome<BackupRecord>>> {
    const byStatus = groupWatched(watched, ({ last }) => (last && PASSING_STATUSES.has(last.vendorStatus) ? last.vendorStatus : null));
    const listings = [...byStatus].map(([status, items]) => ({ ids: items.map(({ id }) => id), pages: () => this.backupPages({ status }) }));
    return readWatched(
      watched.map(({ id }) => id),
      { listings, readOne: async (id) => (await this.getBackups([id]))[0] ?? null },
    );
  }

  private async *backupPages(query: Omit<BackupListQuery, 'limit' | 'marker'>): AsyncGenerator<BackupRecord[]> {
    for (let marker: string | undefined; ; ) {
      const page = await this.client.listBackups({ ...query, limit: VENDOR_PAGE_SIZE, marker });
      yield page.map((backup) => toBackupRecord(this.key, backup));
      if (page.length < VENDOR_PAGE_SIZE) return;
      marker = page[page.length - 1]!.id;
    }
  }

  /**
   * Newest first, strictly after `after`. The native list orders by created_at desc then id desc,
   * the same order as NewestFirstPosition, so the vendor's `marker` (the position's id) resumes it
   * exactly; when that backup is gone the vendor refuses the marker, and the list is scanned from
   * the top with offsets instead, skipping what is not older than the position.
   */
  async listBackups(request: BackupListRequest): Promise<BackupRecord[]> {
    const { filter, after, limit } = request;
    if (limit <= 0 || (filter.kinds && !filter.kinds.includes('VOLUME'))) return [];
    if (filter.sourceVendorId !== undefined && !isUuid(filter.sourceVendorId)) return [];
    const pushed = pushDown(filter);
    if (pushed === null) return [];

    const found: BackupRecord[] = [];
    // Only a position at one of this provider's own backups names a marker the vendor knows; a
    // position derived from another provider's item (no backup id) is scanned for from the top.
    let marker = after !== null && isUuid(after.vendorId) ? after.vendorId : undefined;
    let offset: number | undefined;
    for (;;) {
      let page;
      try {
        page = await this.client.listBackups({ ...pushed, limit: VENDOR_PAGE_SIZE, marker, offset });
      } catch (error) {
        if (!isRefusedMarker(error, marker) || offset !== undefined) throw error;
        marker = undefined;
        offset = 0;
        continue;
      }
      for (const backup of page) {
        const record = toBackupRecord(this.key, backup);
        if (after && !isAfterPosition(record, after)) continue;
        if (!matchesBackupFilter(record, filter)) continue;
        found.push(record);
        if (found.length === limit) return found;
      }
      if (page.length < VENDOR_PAGE_SIZE) return found;
      if (offset === undefined) marker = page[page.length - 1]!.id;
      else offset += page.length;
    }
  }

  /** One `ids=[...]` request per 60 ids (huawei.md A.8); EVS drops unknown ids silently. */
  async getVolumes(ids: readonly string[]): Promise<(VolumeRecord | null)[]> {
    const wanted = [...new Set(ids.filter(isUuid))];
    const batches: string[][] = [];
    for (let i = 0; i < wanted.length; i += EVS_IDS_PER_REQUEST) batches.push(wanted.slice(i, i + EVS_IDS_PER_REQUEST));
    const results = await Promise.all(batches.map((batch) => this.client.listVolumes({ ids: batch, limit: batch.length })));
    const byId = new Map(results.flatMap((r) => r.volumes).map((v) => [v.id, toVolumeRecord(this.key, v)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async listVolumes(page: OffsetPage): Promise<Page<VolumeRecord>> {
    const result = await this.client.listVolumes({ limit: page.limit, offset: page.offset });
    return { items: result.volumes.map((v) => toVolumeRecord(this.key, v)), total: result.count };
  }

  async getSnapshots(ids: readonly string[]): Promise<(SnapshotRecord | null)[]> {
    return Promise.all(
      ids.map((id) =>
        isUuid(id) ? this.limitGets(async () => mapOrNull(await this.client.getSnapshot(id), (s) => toSnapshotRecord(this.key, s))) : null,
      ),
    );
  }

  /** One GET per watched snapshot, each with its own outcome. */
  refreshSnapshots(watched: readonly WatchedItem<SnapshotRecord>[]): Promise<Map<string, ReadOutcome<SnapshotRecord>>> {
    return readWatched(
      watched.map(({ id }) => id),
      { listings: [], readOne: async (id) => (await this.getSnapshots([id]))[0] ?? null },
    );
  }

  async listSnapshots(filter: { volumeId?: string }, page: OffsetPage): Promise<Page<SnapshotRecord>> {
    if (filter.volumeId !== undefined && !isUuid(filter.volumeId)) return { items: [], total: 0 };
    const result = await this.client.listSnapshots({ volumeId: filter.volumeId, limit: page.limit, offset: page.offset });
    return { items: result.snapshots.map((s) => toSnapshotRecord(this.key, s)), total: result.count };
  }

  /**
   * VBS has no idempotency token, so `idempotencyKey` cannot be passed on; the create is sent once
   * and a lost answer is looked up, never resent (see unconfirmed-creates.ts).
   */
  async createVolumeBackup(request: CreateVolumeBackupRequest): Promise<StartedJob> {
    if (request.backupStorageId !== null) {
      throw new ValidationError('backupStorageId', 'unsupported', 'VBS chooses the backup storage itself');
    }
    if (request.bandwidth !== null) throw new ValidationError('bandwidth', 'unsupported', 'VBS does not limit backup bandwidth');
    assertValidBackupInput(request);
    return createOnce({
      operation: 'createVolumeBackup',
      sourceId: request.volumeId,
      name: request.name,
      body: {
        volume_id: request.volumeId,
        name: request.name,
        ...(request.snapshotId !== null ? { snapshot_id: request.snapshotId } : {}),
        ...(request.description !== null ? { description: request.description } : {}),
        ...(request.tags.length > 0 ? { tags: request.tags } : {}),
      },
      earlierAttempt: request.earlierAttempt,
      send: async (body) => ({ vendorJobId: (await this.client.createBackup(body)).job_id, operation: 'createVolumeBackup', resource: null }),
      find: this.findCreated,
    });
  }

  /** What a create whose outcome is unknown is looked up and sent again with (see unconfirmed-creates.ts). */
  private readonly lostCreates = {
    find: (lookup: CreateLookup) => this.findCreated(lookup),
    resend: (body: Record<string, unknown>) => this.client.createBackup(body as unknown as Parameters<VbsClient['createBackup']>[0]),
  };

  /** The native list filters by volume and exact name, newest first. */
  private readonly findCreated = async (lookup: CreateLookup): Promise<BackupRecord | null> => {
    const backups = await this.client.listBackups({ volumeId: lookup.sourceId, name: lookup.name, limit: VENDOR_PAGE_SIZE });
    return backups.map((backup) => toBackupRecord(this.key, backup)).find((record) => madeBy(record, lookup)) ?? null;
  };

  /**
   * Native DELETE (202, then `deleting`, then 404). There is no vendor job, so the job id is
   * synthetic, `delete:<backupId>`, and pollJob follows the backup itself. VBS has no delete modes.
   */
  async deleteBackup(id: string, _mode: DeleteMode | null): Promise<StartedJob> {
    if (!isUuid(id)) throw new NotFoundError(id);
    return startDeletion(id, () => this.client.deleteBackup(id));
  }

  /**
   * Restores onto the source disk or any other disk of the project; the job is VBS's own and its
   * entities name the backup. The disk's own rules (available, big enough, no backup running) are
   * VBS's to check: its codes come back as the VendorError's vendorCode.
   */
  async restoreBackup(request: RestoreBackupRequest): Promise<StartedJob> {
    if (request.backupStorageId !== null) throw new ValidationError('backupStorageId', 'unsupported', 'VBS chooses the backup storage itself');
    if (!isUuid(request.backupId)) throw new NotFoundError(request.backupId);
    if (!isUuid(request.targetId)) throw new NotFoundError(request.targetId);
    const { job_id } = await this.client.restoreBackup(request.backupId, request.targetId);
    return { vendorJobId: job_id, operation: 'restoreBackup', resource: { type: 'Backup', vendorId: request.backupId } };
  }

  async pollJob(job: JobRecord): Promise<JobState | null> {
    const slot = runSlotOf(job.vendorId);
    if (slot) return pollRunSlot(this.key, this.client, slot);
    const lookup = lookupOf(job.vendorId);
    if (lookup) return isUuid(lookup.sourceId) ? pollLookup(job, lookup, this.lostCreates, this.guard.settings.lostCreateGraceMs) : null;
    const backupId = deletedBackupOf(job.vendorId);
    if (backupId !== null) {
      if (!isUuid(backupId)) return null;
      return deletionState(backupId, await this.client.getBackup(backupId));
    }
    const found = await this.client.getJob(job.vendorId);
    return found === null ? null : toJobState(found);
  }

  async close(): Promise<void> {
    this.guard.close();
    await this.client.close();
  }
}

/**
 * The filters the native list can apply: volume, an exact status when one port status maps to
 * exactly one vendor status. `name` is an exact match upstream, so `nameContains` stays local.
 * `null` when the filter cannot match anything.
 */
function pushDown(filter: BackupListFilter): Omit<BackupListQuery, 'limit'> | null {
  const pushed: Omit<BackupListQuery, 'limit'> = {};
  if (filter.sourceVendorId !== undefined) pushed.volumeId = filter.sourceVendorId;
  if (filter.statuses) {
    const vendorStatuses = Object.entries(BACKUP_STATUS)
      .filter(([, status]) => filter.statuses!.includes(status))
      .map(([vendor]) => vendor);
    if (vendorStatuses.length === 0 && !filter.statuses.includes('UNKNOWN')) return null;
    if (vendorStatuses.length === 1 && !filter.statuses.includes('UNKNOWN')) pushed.status = vendorStatuses[0]!;
  }
  return pushed;
}

/** Cinder refuses an unknown marker with 400 (`badRequest`). */
function isRefusedMarker(error: unknown, marker: string | undefined): boolean {
  return marker !== undefined && error instanceof VendorError && error.httpStatus === 400;
}

function mapOrNull<T, R>(value: T | null, map: (value: T) => R): R | null {
  return value === null ? null : map(value);
}
