import { ValidationError } from '../../domain/errors.js';
import { matchesBackupFilter, sortNewestFirst } from '../../domain/newest-first.js';
import type {
  BackupGroupRecord, BackupListRequest, BackupProvider, BackupRecord, BackupStorageRecord, CircuitStatus, CreateVmBackupRequest, CreateVolumeBackupRequest, CreateVolumeSnapshotRequest,
  DeleteMode, DeleteVmBackupRequest, JobOperation, JobRecord, JobState, OffsetPage, Page, ProviderKey, ResourceRef,
  ResourceType, RestoreBackupRequest, RestoreVmBackupRequest, RevertVolumeToSnapshotRequest, SnapshotRecord, StartedJob, VolumeRecord,
} from '../../domain/provider.js';
import type { AttachBackupPolicyRequest, BackupPolicyRecord, CreateBackupPolicyRequest, RunBackupPolicyRequest, UpdateBackupPolicyRequest } from '../../domain/backup-policy.js';
import { answers } from '../../infrastructure/upstream-guard.js';
import { ZStackClient, type ZStackClientConfig } from './client.js';
import { ZStackPolicies } from './policies.js';
import { pollRun, runJobOf } from './policy-runs.js';
import { requireAbsent, requireBandwidth, requireCidr, requireDescription, requireName, requirePositiveInteger, requireTags, requireUuid } from './constraints.js';
import { derivedZStackUuid, isZStackUuid, randomZStackUuid } from './ids.js';
import { listNewestFirst } from './keyset.js';
import {
  groupByGroupUuid,
  jobResourceOf,
  toBackupGroupRecord,
  toBackupRecord,
  toBackupStorageRecord,
  toSnapshotRecord,
  toVolumeRecord,
  type BackupStorageInventory,
  type MappingContext,
  type VolumeBackupInventory,
  type VolumeInventory,
  type VolumeSnapshotInventory,
} from './mapping.js';
import { condition, type QueryCondition, type QueryOptions } from './query.js';
import { backupConditions, backupParams, deleteBackupAction, deleteSnapshotAction, deleteVmBackupAction, segment, syncVmBackupAction, withoutNulls, type ResourceAction } from './requests.js';
import { revertVmFromVmBackup, revertVolumeFromSnapshot, revertVolumeFromVolumeBackup, type RevertCall } from './recovery.js';

export interface ZStackProviderOptions {
  /** `${tenant}/${provider}`, stamped on every record and error. */
  key: ProviderKey;
  name: string;
  /** A client built with the same providerKey, or the config to build one. */
  client: ZStackClient | Omit<ZStackClientConfig, 'providerKey'>;
}

const NEWEST_FIRST: QueryOptions['sort'] = { field: 'createDate', direction: 'desc' };

/**
 * The ZStack adapter. Reads are batched into `uuid?=` queries (see ZStackClient.queryIn); mutations
 * check ZStack's parameter rules first, then start an async job and return at once.
 *
 * Idempotency: with an idempotencyKey, both X-Job-UUID and resourceUuid are derived from
 * (providerKey, operation, key), so a repeated create finds the first job (`Duplicate job uuid`) and
 * names the same resource; without one, both are random.
 *
 * Tags on createVolumeBackup become ZStack user tags `key::value` in the body's `userTags`: ZStack
 * user tags are free strings, and `::` is the separator its system tags and UI use.
 */
export class ZStackProvider implements BackupProvider {
  readonly key: ProviderKey;
  readonly name: string;
  readonly kind = 'ZSTACK' as const;
  private readonly client: ZStackClient;
  private readonly context: MappingContext;
  private readonly policies: ZStackPolicies;

  constructor(options: ZStackProviderOptions) {
    this.key = options.key;
    this.name = options.name;
    if (options.client instanceof ZStackClient) {
      if (options.client.providerKey !== options.key) throw new Error('the ZStack client was built for another provider key');
      this.client = options.client;
    } else {
      this.client = new ZStackClient({ ...options.client, providerKey: options.key });
    }
    this.context = { providerKey: options.key, timeZone: this.client.timeZone };
    this.policies = new ZStackPolicies(this.key, this.client);
  }

  /** Every ZStack resource id is a uuid without dashes; ZStack has no database instances. */
  isValidId(type: ResourceType, vendorId: string): boolean {
    return type !== 'DatabaseInstance' && isZStackUuid(vendorId);
  }

  circuit(): CircuitStatus {
    return this.client.circuit;
  }

  checkHealth(): Promise<boolean> {
    return answers(() => this.client.query('backup-storage', { limit: 1 }));
  }

  // --- backups ----------------------------------------------------------------------------------

  async getBackups(ids: readonly string[]): Promise<(BackupRecord | null)[]> {
    return this.getMany<VolumeBackupInventory, BackupRecord>('volume-backups', ids, (row) => toBackupRecord(row, this.context));
  }

  async listBackups(request: BackupListRequest): Promise<BackupRecord[]> {
    const { filter } = request;
    const pushedDown = backupConditions(filter, this.context.timeZone);
    if (pushedDown === null || request.limit <= 0) return [];
    if (request.after && Number.isNaN(Date.parse(request.after.createdAt))) {
      throw new ValidationError('after', 'format', 'the listing position has no valid creation time');
    }
    const toRecord = (row: VolumeBackupInventory) => toBackupRecord(row, this.context);
    return listNewestFirst(
      {
        page: async (conditions, limit) =>
          (await this.client.query<VolumeBackupInventory>('volume-backups', { conditions, limit, sort: NEWEST_FIRST })).inventories.map(
            toRecord,
          ),
        all: async (conditions) => (await this.client.queryAll<VolumeBackupInventory>('volume-backups', { conditions })).map(toRecord),
      },
      {
        conditions: pushedDown,
        after: request.after,
        limit: request.limit,
        matches: (record) => matchesBackupFilter(record, filter),
        timeZone: this.context.timeZone,
      },
    );
  }

  // --- backup policies: job groups, jobs and triggers (policies.ts) -----------------------------

  getBackupPolicies = (ids: readonly string[]): Promise<(BackupPolicyRecord | null)[]> => this.policies.get(ids);
  listBackupPolicies = (page: OffsetPage): Promise<Page<BackupPolicyRecord>> => this.policies.list(page);
  createBackupPolicy = (request: CreateBackupPolicyRequest): Promise<BackupPolicyRecord> => this.policies.create(request);
  updateBackupPolicy = (request: UpdateBackupPolicyRequest): Promise<BackupPolicyRecord | null> => this.policies.update(request);
  deleteBackupPolicy = (id: string): Promise<boolean> => this.policies.remove(id);
  attachBackupPolicy = (request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> => this.policies.attach(request);
  detachBackupPolicy = (request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> => this.policies.detach(request);
  runBackupPolicy = (request: RunBackupPolicyRequest): Promise<StartedJob[] | null> => this.policies.run(request);

  // --- volumes, snapshots, storages -------------------------------------------------------------

  async getVolumes(ids: readonly string[]): Promise<(VolumeRecord | null)[]> {
    return this.getMany<VolumeInventory, VolumeRecord>('volumes', ids, (row) => toVolumeRecord(row, this.context));
  }

  async listVolumes(page: OffsetPage): Promise<Page<VolumeRecord>> {
    return this.offsetPage<VolumeInventory, VolumeRecord>('volumes', [], page, (row) => toVolumeRecord(row, this.context));
  }

  async getSnapshots(ids: readonly string[]): Promise<(SnapshotRecord | null)[]> {
    return this.getMany<VolumeSnapshotInventory, SnapshotRecord>('volume-snapshots', ids, (row) => toSnapshotRecord(row, this.context));
  }

  async listSnapshots(filter: { volumeId?: string }, page: OffsetPage): Promise<Page<SnapshotRecord>> {
    const conditions: QueryCondition[] = [];
    if (filter.volumeId !== undefined) {
      if (!isZStackUuid(filter.volumeId)) return { items: [], total: 0 };
      conditions.push(condition.eq('volumeUuid', filter.volumeId));
    }
    return this.offsetPage<VolumeSnapshotInventory, SnapshotRecord>('volume-snapshots', conditions, page, (row) =>
      toSnapshotRecord(row, this.context),
    );
  }

  async getBackupStorages(ids: readonly string[]): Promise<(BackupStorageRecord | null)[]> {
    return this.getMany<BackupStorageInventory, BackupStorageRecord>('backup-storage', ids, (row) =>
      toBackupStorageRecord(row, this.context),
    );
  }

  /** Every backup storage; only image stores (`type: ImageStoreBackupStorage`) can hold backups. */
  async listBackupStorages(): Promise<BackupStorageRecord[]> {
    const rows = await this.client.queryAll<BackupStorageInventory>('backup-storage');
    return rows.map((row) => toBackupStorageRecord(row, this.context));
  }

  // --- backup groups (VM backups) ---------------------------------------------------------------

  async getBackupGroups(ids: readonly string[]): Promise<(BackupGroupRecord | null)[]> {
    const valid = ids.filter(isZStackUuid);
    const rows = valid.length > 0 ? await this.client.queryIn<VolumeBackupInventory>('volume-backups', 'groupUuid', valid) : [];
    const groups = groupByGroupUuid(rows);
    return ids.map((id) => {
      const members = groups.get(id);
      return members ? toBackupGroupRecord(id, members, this.context) : null;
    });
  }

  /**
   * ZStack has no VM-backup query: groups are the distinct `groupUuid`s of the volume backups. The
   * listing reads every grouped volume backup (1000 per request) to count and order the groups, so
   * it costs ceil(grouped backups / 1000) requests whatever the page: fine for the hundreds to few
   * thousands of VM backups an installation keeps, and exact (newest group first, no gap).
   */
  async listBackupGroups(page: OffsetPage): Promise<Page<BackupGroupRecord>> {
    const rows = await this.client.queryAll<VolumeBackupInventory>('volume-backups', { conditions: [condition.notNull('groupUuid')] });
    const groups = sortNewestFirst([...groupByGroupUuid(rows)].map(([groupUuid, members]) => toBackupGroupRecord(groupUuid, members, this.context)));
    return { items: groups.slice(page.offset, page.offset + page.limit), total: groups.length };
  }

  // --- mutations --------------------------------------------------------------------------------

  async createVolumeBackup(request: CreateVolumeBackupRequest): Promise<StartedJob> {
    const volumeId = requireUuid('volumeId', request.volumeId);
    requireName('name', request.name);
    requireDescription('description', request.description);
    const backupStorageId = requireUuid('backupStorageId', request.backupStorageId);
    requireAbsent('snapshotId', request.snapshotId, 'ZStack backs up a volume, not a snapshot');
    requireBandwidth(request.bandwidth);
    requireTags('tags', request.tags);
    return this.startCreate('createVolumeBackup', 'Backup', request.idempotencyKey, (resourceUuid) => ({
      method: 'POST',
      path: `/volumes/${segment(volumeId)}/volume-backups`,
      body: {
        params: withoutNulls(backupParams(request, backupStorageId, resourceUuid)),
        ...(request.tags.length > 0 && { userTags: request.tags.map((tag) => `${tag.key}::${tag.value}`) }),
      },
    }));
  }

  async createVolumeSnapshot(request: CreateVolumeSnapshotRequest): Promise<StartedJob> {
    const volumeId = requireUuid('volumeId', request.volumeId);
    requireName('name', request.name);
    requireDescription('description', request.description);
    return this.startCreate('createVolumeSnapshot', 'Snapshot', request.idempotencyKey, (resourceUuid) => ({
      method: 'POST',
      path: `/volumes/${segment(volumeId)}/volume-snapshots`,
      body: { params: withoutNulls({ name: request.name, description: request.description, resourceUuid }) },
    }));
  }

  /**
   * CreateVmBackup is an APICreateMessage: its resourceUuid becomes the group uuid [I: inferred, the
   * premium source was not seen; the simulator does the same], so the group is named at once; the
   * job's result (every member's groupUuid) is what pollJob reports once it ends. `backupNetworkCidr`
   * and `parallelism` are not in the public SDK's CreateVmBackupAction; they travel in `params` next
   * to the documented fields, where a server without them ignores them.
   */
  async createVmBackup(request: CreateVmBackupRequest): Promise<StartedJob> {
    const rootVolumeId = requireUuid('rootVolumeId', request.rootVolumeId);
    const backupStorageId = requireUuid('backupStorageId', request.backupStorageId);
    requireName('name', request.name);
    requireDescription('description', request.description);
    requireBandwidth(request.bandwidth);
    requireCidr('backupNetworkCidr', request.backupNetworkCidr);
    requirePositiveInteger('parallelism', request.parallelism);
    return this.startCreate('createVmBackup', 'BackupGroup', request.idempotencyKey, (resourceUuid) => ({
      method: 'POST',
      path: `/volumes/${segment(rootVolumeId)}/vm-backups`,
      body: {
        params: withoutNulls({
          ...backupParams(request, backupStorageId, resourceUuid),
          backupNetworkCidr: request.backupNetworkCidr,
          parallelism: request.parallelism,
        }),
      },
    }));
  }

  // Deletes and the image-store sync get a random job uuid: repeating them is harmless.
  async deleteVmBackup(request: DeleteVmBackupRequest): Promise<StartedJob> {
    return this.startAction('deleteVmBackup', deleteVmBackupAction(request));
  }

  async syncVmBackup(imageStoreId: string): Promise<StartedJob> {
    return this.startAction('syncVmBackup', syncVmBackupAction(imageStoreId));
  }

  async deleteBackup(id: string, mode: DeleteMode | null): Promise<StartedJob> {
    return this.startAction('deleteBackup', deleteBackupAction(id, mode));
  }

  async deleteSnapshot(id: string, mode: DeleteMode | null): Promise<StartedJob> {
    return this.startAction('deleteSnapshot', deleteSnapshotAction(id, mode));
  }

  private startAction(operation: JobOperation, action: ResourceAction): Promise<StartedJob> {
    return this.start(operation, randomZStackUuid(), action.resource, action.call);
  }

  // --- recovery (job uuids derive from the idempotency key, like the creates') -------------------

  async restoreBackup(request: RestoreBackupRequest): Promise<StartedJob> {
    const call = revertVolumeFromVolumeBackup(request);
    return this.startRevert('restoreBackup', request.idempotencyKey, { type: 'Backup', vendorId: request.backupId }, call);
  }

  async restoreVmBackup(request: RestoreVmBackupRequest): Promise<StartedJob> {
    const call = revertVmFromVmBackup(request);
    return this.startRevert('restoreVmBackup', request.idempotencyKey, { type: 'BackupGroup', vendorId: request.groupId }, call);
  }

  async revertVolumeToSnapshot(request: RevertVolumeToSnapshotRequest): Promise<StartedJob> {
    const call = revertVolumeFromSnapshot(request);
    return this.startRevert('revertVolumeToSnapshot', request.idempotencyKey, { type: 'Snapshot', vendorId: request.snapshotId }, call);
  }

  private startRevert(operation: JobOperation, idempotencyKey: string | null, resource: ResourceRef, call: RevertCall): Promise<StartedJob> {
    return this.start(operation, this.jobIds(operation, idempotencyKey).jobUuid, resource, call);
  }

  // --- jobs -------------------------------------------------------------------------------------

  /**
   * ZStack reports no progress. A failed create names no resource (ZStack made nothing); other jobs
   * keep the resource they were started on.
   */
  async pollJob(job: JobRecord): Promise<JobState | null> {
    const run = runJobOf(job.vendorId);
    if (run) return pollRun(this.client, run, (ids) => this.getBackups(ids));
    if (!isZStackUuid(job.vendorId)) return null;
    const poll = await this.client.pollJob(job.vendorId);
    const known = job.resource;
    switch (poll.state) {
      case 'expired':
        return null;
      case 'running':
        return { status: 'RUNNING', progress: null, error: null, resource: known };
      case 'succeeded':
        return { status: 'SUCCEEDED', progress: null, error: null, resource: jobResourceOf(job.operation, poll.result, known) };
      case 'failed':
        return {
          status: 'FAILED',
          progress: null,
          error: { code: 'VENDOR_ERROR', message: poll.error.message, vendorCode: poll.error.vendorCode },
          resource: job.operation.startsWith('create') ? null : known,
        };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  // --- helpers ----------------------------------------------------------------------------------

  private async getMany<Row extends { uuid: string }, R>(
    resource: string,
    ids: readonly string[],
    toRecord: (row: Row) => R,
  ): Promise<(R | null)[]> {
    const valid = ids.filter(isZStackUuid);
    const rows = valid.length > 0 ? await this.client.getByUuids<Row>(resource, valid) : [];
    const byId = new Map(rows.filter((row): row is Row => row !== null).map((row) => [row.uuid, toRecord(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * One offset page, newest first, with ZStack's count. ZStack sorts by one field, so rows created
   * in the same second may swap places between two offset pages; listBackups pages exactly.
   */
  private async offsetPage<Row, R>(
    resource: string,
    conditions: QueryCondition[],
    page: OffsetPage,
    toRecord: (row: Row) => R,
  ): Promise<Page<R>> {
    const result = await this.client.query<Row>(resource, {
      conditions,
      limit: page.limit,
      start: page.offset,
      replyWithCount: true,
      sort: NEWEST_FIRST,
    });
    return { items: result.inventories.map(toRecord), total: result.total };
  }

  private jobIds(operation: JobOperation, idempotencyKey: string | null): { jobUuid: string; resourceUuid: string } {
    if (idempotencyKey === null) return { jobUuid: randomZStackUuid(), resourceUuid: randomZStackUuid() };
    return {
      jobUuid: derivedZStackUuid(this.key, operation, idempotencyKey, 'job'),
      resourceUuid: derivedZStackUuid(this.key, operation, idempotencyKey, 'resource'),
    };
  }

  /** Starts a create whose resource uuid the gateway chooses (from the idempotency key when there is one). */
  private startCreate(
    operation: JobOperation,
    type: ResourceType,
    idempotencyKey: string | null,
    call: (resourceUuid: string) => { method: 'POST'; path: string; body: unknown },
  ): Promise<StartedJob> {
    const ids = this.jobIds(operation, idempotencyKey);
    return this.start(operation, ids.jobUuid, { type, vendorId: ids.resourceUuid }, call(ids.resourceUuid));
  }

  private async start(
    operation: JobOperation,
    jobUuid: string,
    resource: ResourceRef,
    call: { method: 'POST' | 'PUT' | 'DELETE'; path: string; body?: unknown },
  ): Promise<StartedJob> {
    const vendorJobId = await this.client.startJob({ ...call, jobUuid });
    return { vendorJobId, operation, resource };
  }
}

