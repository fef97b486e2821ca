import pLimit, { type LimitFunction } from 'p-limit';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import { isAfterPosition, matchesBackupFilter } from '../../../domain/newest-first.js';
import { deletedBackupOf, startDeletion } from '../deletion-jobs.js';
import { answers, UpstreamGuard, type CircuitStatus } from '../../../infrastructure/upstream-guard.js';
import { createOnce, lookupOf, madeBy, pollLookup, type CreateLookup } from '../unconfirmed-creates.js';
import type {
  BackupListFilter,
  BackupListRequest,
  BackupProvider,
  BackupRecord,
  CreateDatabaseBackupRequest,
  DatabaseInstanceRecord,
  DeleteMode,
  JobRecord,
  JobState,
  NewestFirstPosition,
  OffsetPage,
  Page,
  PointInTimeRestoreRequest,
  ProviderKey,
  ReadOutcome,
  ResourceType,
  RestoreBackupRequest,
  StartedJob,
  TimeRange,
  WatchedItem,
} from '../../../domain/provider.js';
import { readWatched } from '../../watched-reads.js';
import type { HuaweiAuth } from '../auth/index.js';
import { MAX_PAGE_SIZE, TaurusDbClient, type BackupQuery } from './client.js';
import { createBackupViolation, isBackupId, isInstanceId, isJobId } from './constraints.js';
import { formatVendorTime, toBackupRecord, toDatabaseInstanceRecord, toJobState } from './mapping.js';
import { TaurusDbPolicies } from './policies.js';
import type { BackupPolicyRecord, UpdateBackupPolicyRequest } from '../../../domain/backup-policy.js';
import { newestBackups } from './newest-backups.js';

/**
 * Huawei GaussDB(for MySQL) / TaurusDB behind the provider port.
 *
 * Reads: neither list call takes a list of ids, so getX(ids) asks once per distinct valid id
 * (`backup_id=` / `id=`), at most `concurrency` at a time per provider. Listing all backups instead
 * would cost ceil(total/100) calls and has no instance to narrow it by (a backup id does not say its
 * instance), so per-id calls are the cheaper choice for the handful of ids a DataLoader batch holds.
 * Live status watches backups being built, all recent: refreshBackups lists them in one window.
 *
 * Newest-first listing: the backup list has no documented order and no cursor, so the adapter asks
 * for the narrowest time window the filter and position allow (pushed down as begin_time/end_time),
 * narrows it further until it holds the page (newest-backups.ts), sorts by (createdAt desc,
 * vendorId desc) itself and cuts the page after the position.
 *
 * Delete: DELETE answers 200 without a task, so the adapter returns a synthetic job
 * `delete:<backupId>`; polling it asks for the backup and reports SUCCEEDED once the list no longer
 * has it (the same test Huawei's Terraform provider uses).
 */

export interface TaurusDbProviderOptions {
  key: ProviderKey;
  name: string;
  endpoint: string;
  projectId: string;
  auth: HuaweiAuth;
  timeoutMs: number;
  /** The provider's circuit breaker and queues. */
  guard?: UpstreamGuard;
  /** Upstream calls in flight at once for batched reads; default 8. */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;
const SECOND = 1000;

export class TaurusDbProvider implements BackupProvider {
  readonly key: ProviderKey;
  readonly name: string;
  readonly kind = 'HUAWEI_TAURUSDB' as const;
  private readonly client: TaurusDbClient;
  private readonly throttle: LimitFunction;
  private readonly guard: UpstreamGuard;
  private readonly policies: TaurusDbPolicies;

  constructor(options: TaurusDbProviderOptions) {
    this.key = options.key;
    this.name = options.name;
    this.guard = options.guard ?? new UpstreamGuard(options.key);
    this.client = new TaurusDbClient({
      guard: this.guard,
      providerKey: options.key,
      endpoint: options.endpoint,
      projectId: options.projectId,
      auth: options.auth,
      timeoutMs: options.timeoutMs,
    });
    this.throttle = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.policies = new TaurusDbPolicies(this.key, this.client, this.throttle, (page) => this.listDatabaseInstances(page));
  }

  isValidId(type: ResourceType, vendorId: string): boolean {
    if (type === 'DatabaseInstance') return isInstanceId(vendorId);
    if (type === 'Backup') return isBackupId(vendorId);
    // An instance's one automated backup policy is named after it.
    if (type === 'BackupPolicy') return isInstanceId(vendorId);
    return false;
  }

  circuit(): CircuitStatus {
    return this.guard.circuit;
  }

  checkHealth(): Promise<boolean> {
    return answers(() => this.client.listInstances({ offset: 0, limit: 1 }));
  }

  getBackups(ids: readonly string[]): Promise<(BackupRecord | null)[]> {
    return this.getEach(ids, isBackupId, async (id) => {
      const { backups } = await this.client.listBackups({ backup_id: id, offset: 0, limit: 1 });
      const found = backups.find((backup) => backup.id === id);
      return found ? toBackupRecord(this.key, found) : null;
    });
  }

  /**
   * The backups being built are recent: one listing of the project's backups since the earliest of
   * them answers them all (a backup moves on, or not, between its pages: see watched-reads.ts), then
   * `backup_id=` for the rest.
   */
  refreshBackups(watched: readonly WatchedItem<BackupRecord>[]): Promise<Map<string, ReadOutcome<BackupRecord>>> {
    const building = watched.filter(({ last }) => last?.vendorStatus === 'BUILDING' && last.createdAt !== null);
    const createdAfter = building.map(({ last }) => last!.createdAt!).sort()[0];
    const window = createdAfter === undefined ? null : timeWindow({ createdAfter }, null);
    const listings = window ? [{ ids: building.map(({ id }) => id), pages: () => this.backupPages({ offset: 0, limit: MAX_PAGE_SIZE, ...window }) }] : [];
    return readWatched(
      watched.map(({ id }) => id),
      { listings, readOne: async (id) => (await this.getBackups([id]))[0] ?? null },
    );
  }

  private async *backupPages(query: BackupQuery): AsyncGenerator<BackupRecord[]> {
    for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
      const { backups, total_count } = await this.client.listBackups({ ...query, offset });
      yield backups.map((backup) => toBackupRecord(this.key, backup));
      if (backups.length < MAX_PAGE_SIZE || offset + backups.length >= total_count) return;
    }
  }

  getDatabaseInstances(ids: readonly string[]): Promise<(DatabaseInstanceRecord | null)[]> {
    return this.getEach(ids, isInstanceId, async (id) => {
      const { instances } = await this.client.listInstances({ id, offset: 0, limit: 1 });
      const found = instances.find((instance) => instance.id === id);
      return found ? toDatabaseInstanceRecord(this.key, found) : null;
    });
  }

  async listDatabaseInstances(page: OffsetPage): Promise<Page<DatabaseInstanceRecord>> {
    const { items, total } = await readOffsetWindow(page, (offset, limit) =>
      this.client.listInstances({ offset, limit }).then((r) => ({ items: r.instances, total: r.total_count })),
    );
    return { items: items.map((instance) => toDatabaseInstanceRecord(this.key, instance)), total };
  }

  getBackupPolicies(ids: readonly string[]): Promise<(BackupPolicyRecord | null)[]> {
    return this.policies.get(ids);
  }

  listBackupPolicies(page: OffsetPage): Promise<Page<BackupPolicyRecord>> {
    return this.policies.list(page);
  }

  updateBackupPolicy(request: UpdateBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    return this.policies.update(request);
  }

  async listBackups(request: BackupListRequest): Promise<BackupRecord[]> {
    const { filter, after, limit } = request;
    if (limit <= 0 || !admitsDatabaseBackups(filter)) return [];
    if (filter.sourceVendorId !== undefined && !isInstanceId(filter.sourceVendorId)) return [];
    const window = timeWindow(filter, after);
    if (window === null) return [];

    const base: BackupQuery = { offset: 0, limit: MAX_PAGE_SIZE, ...window };
    if (filter.sourceVendorId !== undefined) base.instance_id = filter.sourceVendorId;
    return newestBackups(
      {
        list: (query) => this.client.listBackups(query),
        throttle: (fn) => this.throttle(fn),
        keep: (row) => {
          const record = toBackupRecord(this.key, row);
          return matchesBackupFilter(record, filter) && (after === null || isAfterPosition(record, after)) ? record : null;
        },
      },
      base,
      limit,
    );
  }

  async createDatabaseBackup(request: CreateDatabaseBackupRequest): Promise<StartedJob> {
    const violation = createBackupViolation(request);
    if (violation) throw violation;
    // TaurusDB has no idempotency token: `idempotencyKey` cannot be passed on, so a create whose
    // outcome is unknown is looked up before anything is sent again (see unconfirmed-creates.ts).
    return createOnce({
      operation: 'createDatabaseBackup',
      sourceId: request.instanceId,
      name: request.name,
      body: {
        instance_id: request.instanceId,
        name: request.name,
        ...(request.description !== null ? { description: request.description } : {}),
      },
      earlierAttempt: request.earlierAttempt,
      send: async (body) => {
        const answer = await this.client.createBackup(body);
        return { vendorJobId: answer.job_id, operation: 'createDatabaseBackup', resource: { type: 'Backup', vendorId: answer.backup.id } };
      },
      find: this.findCreated,
    });
  }

  /** What a create whose outcome is unknown is looked up and sent again with (see unconfirmed-creates.ts). */
  private readonly lostCreates = {
    find: (lookup: CreateLookup) => this.findCreated(lookup),
    resend: (body: Record<string, unknown>) => this.client.createBackup(body as unknown as Parameters<TaurusDbClient['createBackup']>[0]),
  };

  /** The instance's backups since the lookup's start (the list has no name filter). */
  private readonly findCreated = async (lookup: CreateLookup): Promise<BackupRecord | null> => {
    const { backups } = await this.client.listBackups({
      instance_id: lookup.sourceId,
      begin_time: formatVendorTime(lookup.sinceMs),
      offset: 0,
      limit: MAX_PAGE_SIZE,
    });
    return backups.map((backup) => toBackupRecord(this.key, backup)).find((record) => madeBy(record, lookup)) ?? null;
  };

  /** TaurusDB has one way to delete a backup: `mode` changes nothing. */
  async deleteBackup(id: string, _mode: DeleteMode | null): Promise<StartedJob> {
    if (!isBackupId(id)) throw new NotFoundError(id);
    return startDeletion(id, () => this.client.deleteBackup(id));
  }

  /**
   * RestoreOldInstance onto the backup's own instance or another existing one. TaurusDB answers a
   * busy target with 409; Huawei's Terraform provider waits and resends then, the gateway does not:
   * a restore is never sent twice on its own, the 409 reaches the client with its code.
   */
  async restoreBackup(request: RestoreBackupRequest): Promise<StartedJob> {
    if (request.backupStorageId !== null) throw new ValidationError('backupStorageId', 'unsupported', 'TaurusDB keeps its backups itself');
    if (!isBackupId(request.backupId)) throw new NotFoundError(request.backupId);
    const { job_id } = await this.client.restore({
      target_instance_id: request.targetId,
      source_instance_id: request.sourceId,
      type: 'backup',
      backup_id: request.backupId,
    });
    return { vendorJobId: job_id, operation: 'restoreBackup', resource: { type: 'Backup', vendorId: request.backupId } };
  }

  async restoreDatabaseToPointInTime(request: PointInTimeRestoreRequest): Promise<StartedJob> {
    const { job_id } = await this.client.restore({
      target_instance_id: request.targetInstanceId,
      source_instance_id: request.instanceId,
      type: 'timestamp',
      restore_time: Date.parse(request.pointInTime),
    });
    return { vendorJobId: job_id, operation: 'restoreDatabaseToPointInTime', resource: { type: 'DatabaseInstance', vendorId: request.targetInstanceId } };
  }

  async restorableTimeRanges(instanceId: string): Promise<TimeRange[]> {
    if (!isInstanceId(instanceId)) return [];
    const { restore_times } = await this.client.restoreTimes(instanceId);
    return restore_times
      .map((window) => ({ start: Number(window.start_time), end: Number(window.end_time) }))
      .filter((window) => Number.isFinite(window.start) && Number.isFinite(window.end))
      .sort((a, b) => a.start - b.start)
      .map((window) => ({ start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() }));
  }

  /** The backup a task makes is named when it starts: the record keeps it while the task runs. */
  async pollJob(job: JobRecord): Promise<JobState | null> {
    const lookup = lookupOf(job.vendorId);
    if (lookup) return isInstanceId(lookup.sourceId) ? pollLookup(job, lookup, this.lostCreates, this.guard.settings.lostCreateGraceMs) : null;
    const backupId = deletedBackupOf(job.vendorId);
    if (backupId !== null) return this.pollDeletion(backupId);
    if (!isJobId(job.vendorId)) return null;
    const task = await this.client.getJob(job.vendorId);
    if (!task) return null;
    const state = toJobState(task);
    return { ...state, resource: state.resource ?? job.resource };
  }

  close(): Promise<void> {
    this.guard.close();
    return this.client.close();
  }

  private async pollDeletion(backupId: string): Promise<JobState | null> {
    if (!isBackupId(backupId)) return null;
    const { backups } = await this.client.listBackups({ backup_id: backupId, offset: 0, limit: 1 });
    const gone = !backups.some((backup) => backup.id === backupId);
    return {
      status: gone ? 'SUCCEEDED' : 'RUNNING',
      progress: gone ? 100 : null,
      error: null,
      resource: { type: 'Backup', vendorId: backupId },
    };
  }

  /** One answer per id, in order; invalid ids are `null` without a call, repeated ids cost one. */
  private async getEach<T>(ids: readonly string[], isValid: (id: string) => boolean, fetchOne: (id: string) => Promise<T | null>): Promise<(T | null)[]> {
    const distinct = [...new Set(ids)].filter(isValid);
    const found = new Map(await Promise.all(distinct.map(async (id) => [id, await this.throttle(() => fetchOne(id))] as const)));
    return ids.map((id) => found.get(id) ?? null);
  }
}

function admitsDatabaseBackups(filter: BackupListFilter): boolean {
  return filter.kinds === undefined || filter.kinds.includes('DATABASE');
}

/** The pushed-down bounds; the exact filter and position are applied to every row afterwards. */
type TimeWindow = Pick<BackupQuery, 'begin_time' | 'end_time'>;

/**
 * The narrowest begin_time/end_time the request allows, widened to whole seconds (the vendor's
 * granularity), plus one second at the end: the docs do not say whether end_time is inclusive, and
 * backups sharing the position's second must not be cut off. Both are sent together, since the docs
 * describe them as a pair. `null` when the window is empty or a bound is not a time.
 */
function timeWindow(filter: BackupListFilter, position: NewestFirstPosition | null): TimeWindow | null {
  const after = filter.createdAfter !== undefined ? Date.parse(filter.createdAfter) : null;
  const before = filter.createdBefore !== undefined ? Date.parse(filter.createdBefore) : null;
  const positionAt = position ? Date.parse(position.createdAt) : null;
  if ([after, before, positionAt].some((bound) => Number.isNaN(bound))) return null;
  const upper = minOf(before, positionAt);
  if (after === null && upper === null) return {};
  if (upper !== null && after !== null && upper <= after) return null;
  const begin = after === null ? 0 : Math.floor(after / SECOND) * SECOND;
  const end = Math.ceil((upper ?? Date.now()) / SECOND) * SECOND + SECOND;
  return { begin_time: formatVendorTime(begin), end_time: formatVendorTime(end) };
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Reads `page.limit` items from `page.offset` in vendor pages of at most 100. */
async function readOffsetWindow<T>(
  page: OffsetPage,
  fetchPage: (offset: number, limit: number) => Promise<{ items: T[]; total: number }>,
): Promise<Page<T>> {
  const items: T[] = [];
  let total: number | null = null;
  while (items.length < page.limit) {
    const want = Math.min(MAX_PAGE_SIZE, page.limit - items.length);
    const answer = await fetchPage(page.offset + items.length, want);
    items.push(...answer.items);
    total = answer.total;
    if (answer.items.length < want) break;
  }
  return { items, total };
}
