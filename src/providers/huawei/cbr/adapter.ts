import pLimit from 'p-limit';
import type {
  AttachBackupPolicyRequest,
  BackupPolicyRecord,
  CreateBackupPolicyRequest,
  RunBackupPolicyRequest,
  UpdateBackupPolicyRequest,
} from '../../../domain/backup-policy.js';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import { isAfterPosition, matchesBackupFilter } from '../../../domain/newest-first.js';
import type {
  BackupGroupRecord,
  BackupListRequest,
  BackupProvider,
  BackupRecord,
  BackupStorageRecord,
  CreateVolumeBackupRequest,
  DeleteMode,
  JobRecord,
  JobState,
  OffsetPage,
  Page,
  ProtectVolumeRequest,
  ProviderKey,
  ReadOutcome,
  ResourceType,
  RestoreBackupRequest,
  StartedJob,
  UnprotectVolumeRequest,
  VolumeRecord,
} from '../../../domain/provider.js';
import { answers, UpstreamGuard, type CircuitStatus } from '../../../infrastructure/upstream-guard.js';
import { UpstreamHttp } from '../../../infrastructure/upstream-http.js';
import { huaweiIdentity } from '../auth/index.js';
import type { HuaweiAuth } from '../auth/authorize.js';
import { deletedBackupOf, deletionState, startDeletion } from '../deletion-jobs.js';
import { lookupOf, pollLookup } from '../unconfirmed-creates.js';
import { isUuid } from '../wire-values.js';
import { CbrClient, DISK_RESOURCE, PROTECTABLES_PER_PAGE, SERVER_RESOURCE, type CbrBackup, type CbrVault } from './client.js';
import { assertValidCheckpointInput } from './constraints.js';
import { checkpointStates, refreshCheckpoints, type FollowedCheckpoint } from './checkpoint-jobs.js';
import { CbrCheckpoints, type CheckpointBody } from './checkpoints.js';
import { opLogJobId, readCbrJobId, restoreJobId } from './job-ids.js';
import { backupPushDown } from './listing.js';
import { CbrPolicies } from './policies.js';
import { pollBinding, protectVolume, unprotectVolume } from './protection.js';
import {
  backupStatus,
  logToJobState,
  protectableToVolume,
  toBackupGroupRecord,
  toBackupRecord,
  toBackupStorageRecord,
} from './mapping.js';

export interface CbrProviderOptions {
  key: ProviderKey;
  name: string;
  /** CBR host, e.g. https://cbr.cn-north-4.myhuaweicloud.com. */
  endpoint: string;
  projectId: string;
  auth: HuaweiAuth;
  timeoutMs: number;
  guard?: UpstreamGuard;
}

/** Rows per backup list request while paging. */
const VENDOR_PAGE_SIZE = 100;
/** F.2: vaults per list request (its maximum). */
const VAULTS_PER_PAGE = 1000;
const GET_CONCURRENCY = 8;
/** Batches up to this many ids are shown one by one; larger ones are looked for in the newest page first. */
const SHOWN_ONE_BY_ONE = 2;
/** F.3: the list's largest page. */
const NEWEST_PAGE = 1000;

/**
 * Huawei Cloud CBR behind the port (huawei-cbr.md F): vaults are backup storages, the disks CBR can
 * protect are volumes, disk backups are backups (a server backup's children too), server backups
 * are backup groups. A create is a checkpoint of one disk in the vault that holds it; policies are
 * bound to vaults (policies.ts).
 */
export class CbrProvider implements BackupProvider {
  readonly key: ProviderKey;
  readonly name: string;
  readonly kind = 'HUAWEI_CBR' as const;
  private readonly client: CbrClient;
  private readonly guard: UpstreamGuard;
  private readonly limitGets = pLimit(GET_CONCURRENCY);
  private readonly checkpoints: CbrCheckpoints;
  private readonly policies: CbrPolicies;

  constructor(options: CbrProviderOptions) {
    this.key = options.key;
    this.name = options.name;
    this.guard = options.guard ?? new UpstreamGuard(options.key);
    const http = new UpstreamHttp(options.endpoint, { timeoutMs: options.timeoutMs, guard: this.guard, identity: huaweiIdentity('huawei-cbr', options.key) });
    this.client = new CbrClient({ providerKey: options.key, projectId: options.projectId, auth: options.auth, http });
    this.checkpoints = new CbrCheckpoints(options.key, this.client);
    this.policies = new CbrPolicies(options.key, this.client, this.checkpoints, () => this.allVaults());
  }

  isValidId(type: ResourceType, vendorId: string): boolean {
    return (type === 'Volume' || type === 'Backup' || type === 'BackupGroup' || type === 'BackupStorage' || type === 'BackupPolicy') && isUuid(vendorId);
  }

  circuit(): CircuitStatus {
    return this.guard.circuit;
  }

  checkHealth(): Promise<boolean> {
    return answers(() => this.client.ping());
  }

  /**
   * CBR shows one backup per request and filters its list by no id, so a batch of more than a few
   * (what live status watches: recent, moving backups) is read from one page of the newest disk
   * backups, and only the ids not on it (older, deleted, server backups) are shown one by one. A
   * server backup is a group, not a backup: `null` here, found by getBackupGroups.
   */
  async getBackups(ids: readonly string[]): Promise<(BackupRecord | null)[]> {
    const wanted = [...new Set(ids.filter(isUuid))];
    const byId = new Map<string, CbrBackup | null>();
    if (wanted.length > SHOWN_ONE_BY_ONE) {
      const newest = await this.client.listBackups({ resourceType: DISK_RESOURCE, limit: NEWEST_PAGE, offset: 0 });
      for (const backup of newest) if (wanted.includes(backup.id)) byId.set(backup.id, backup);
    }
    const rest = wanted.filter((id) => !byId.has(id));
    (await this.showBackups(rest)).forEach((backup, index) => byId.set(rest[index]!, backup));
    return ids.map((id) => {
      const backup = byId.get(id);
      return backup && backup.resource_type === DISK_RESOURCE ? toBackupRecord(this.key, backup) : null;
    });
  }

  /**
   * Newest first, strictly after `after`: the vendor sorts by created_at then id, both descending
   * (the port's order), filters by disk, status and a whole-second window around the position, and
   * the rest is checked here, so pages are exact whatever the vendor's rounding.
   */
  async listBackups(request: BackupListRequest): Promise<BackupRecord[]> {
    const { filter, after, limit } = request;
    if (limit <= 0) return [];
    const pushed = backupPushDown(filter, after);
    if (pushed === null) return [];
    const found: BackupRecord[] = [];
    for (let offset = 0; ; offset += VENDOR_PAGE_SIZE) {
      const page = await this.client.listBackups({ ...pushed, resourceType: DISK_RESOURCE, limit: VENDOR_PAGE_SIZE, offset });
      for (const backup of page) {
        const record = toBackupRecord(this.key, backup);
        if ((after && !isAfterPosition(record, after)) || !matchesBackupFilter(record, filter)) continue;
        found.push(record);
        if (found.length === limit) return found;
      }
      if (page.length < VENDOR_PAGE_SIZE) return found;
    }
  }

  async getBackupGroups(ids: readonly string[]): Promise<(BackupGroupRecord | null)[]> {
    const found = await this.showBackups(ids);
    return found.map((b) => (b && b.resource_type === SERVER_RESOURCE ? toBackupGroupRecord(this.key, b) : null));
  }

  /** The list leaves `children` empty (F.3), so each server backup is shown once for its members. */
  async listBackupGroups(page: OffsetPage): Promise<Page<BackupGroupRecord>> {
    const servers = await this.client.listBackups({ resourceType: SERVER_RESOURCE, limit: page.limit, offset: page.offset });
    const groups = await this.getBackupGroups(servers.map((b) => b.id));
    return { items: groups.filter((g): g is BackupGroupRecord => g !== null), total: null };
  }

  /** All vaults in one request (up to 1000), whichever ids are asked for. */
  async getBackupStorages(ids: readonly string[]): Promise<(BackupStorageRecord | null)[]> {
    const byId = new Map((await this.listBackupStorages()).map((s) => [s.vendorId, s]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async listBackupStorages(): Promise<BackupStorageRecord[]> {
    return (await this.allVaults()).map((vault) => toBackupStorageRecord(this.key, vault));
  }

  /** The protectables listing, paged from the top until every id is seen: one request for up to 50 disks. */
  async getVolumes(ids: readonly string[]): Promise<(VolumeRecord | null)[]> {
    const wanted = new Set(ids.filter(isUuid));
    const byId = new Map<string, VolumeRecord>();
    for (let offset = 0; wanted.size > byId.size; offset += PROTECTABLES_PER_PAGE) {
      const instances = await this.client.listProtectableDisks({ limit: PROTECTABLES_PER_PAGE, offset });
      for (const disk of instances) if (wanted.has(disk.id)) byId.set(disk.id, protectableToVolume(this.key, disk));
      if (instances.length < PROTECTABLES_PER_PAGE) break;
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The listing documents no count (huawei-cbr.md F.2, NODE ListProtectableResponse): the total is known once a page comes back short. */
  async listVolumes(page: OffsetPage): Promise<Page<VolumeRecord>> {
    const items: VolumeRecord[] = [];
    for (let offset = page.offset; items.length < page.limit; offset += PROTECTABLES_PER_PAGE) {
      const limit = Math.min(PROTECTABLES_PER_PAGE, page.limit - items.length);
      const instances = await this.client.listProtectableDisks({ limit, offset });
      items.push(...instances.map((disk) => protectableToVolume(this.key, disk)));
      if (instances.length < limit) return { items, total: offset + instances.length };
    }
    return { items, total: null };
  }

  /**
   * One checkpoint of this one disk in the vault that holds it. CBR takes no client token, so a lost
   * answer is looked up by disk, name and time (unconfirmed-creates.ts); only a lookup window that
   * proves the checkpoint absent sends it once more.
   */
  async createVolumeBackup(request: CreateVolumeBackupRequest): Promise<StartedJob> {
    assertValidCheckpointInput(request);
    const vault = await this.vaultHolding(request.volumeId, request.backupStorageId);
    const body: CheckpointBody = {
      vault_id: vault.id,
      resources: [request.volumeId],
      name: request.name,
      ...(request.description !== null ? { description: request.description } : {}),
    };
    return this.checkpoints.ofDisk(request.volumeId, body, request.earlierAttempt);
  }

  /** The vault whose resources hold the disk (F.2 `resource_ids`), checked against the one named. */
  private async vaultHolding(volumeId: string, named: string | null): Promise<CbrVault> {
    if (!isUuid(volumeId)) throw new ValidationError('volumeId', 'format', 'volumeId is not a CBR disk id');
    const { vaults } = await this.client.listVaults({ limit: VAULTS_PER_PAGE, offset: 0, resourceIds: [volumeId] });
    const vault = vaults.find((v) => v.resources?.some((r) => r.id === volumeId && r.type === DISK_RESOURCE));
    if (!vault) throw new ValidationError('volumeId', 'not-in-vault', 'The disk is in no CBR vault; protect it in a disk vault first (protectVolume)');
    if (named !== null && named !== vault.id) {
      throw new ValidationError('backupStorageId', 'not-holding-volume', `That vault does not hold the disk; vault ${vault.name} does`, 'BackupService.6302');
    }
    return vault;
  }

  /** DELETE answers 204 and the backup shows `deleting` until it is gone (F.3). */
  async deleteBackup(id: string, _mode: DeleteMode | null): Promise<StartedJob> {
    if (!isUuid(id)) throw new NotFoundError(id);
    return startDeletion(id, () => this.client.deleteBackup(id));
  }

  /** A disk backup onto its own or another disk; the disk's rules (detached, big enough) are CBR's (F.5). */
  async restoreBackup(request: RestoreBackupRequest): Promise<StartedJob> {
    if (request.backupStorageId !== null) throw new ValidationError('backupStorageId', 'unsupported', 'A CBR backup lives in one vault; restore takes no backupStorageId');
    if (!isUuid(request.backupId)) throw new NotFoundError(request.backupId);
    if (!isUuid(request.targetId)) throw new NotFoundError(request.targetId);
    const answer = await this.client.restoreBackup(request.backupId, request.targetId);
    const resource = { type: 'Backup' as const, vendorId: request.backupId };
    const logId = answer?.job_id;
    return { vendorJobId: logId && isUuid(logId) ? opLogJobId(logId) : restoreJobId(request.backupId), operation: 'restoreBackup', resource };
  }

  protectVolume(request: ProtectVolumeRequest): Promise<StartedJob> {
    return protectVolume(this.client, request);
  }

  unprotectVolume(request: UnprotectVolumeRequest): Promise<StartedJob> {
    return unprotectVolume(this.client, request);
  }

  /** Every vault's resources come with the one vault listing. */
  async protectedVolumeIds(storageIds: readonly string[]): Promise<string[][]> {
    const byId = new Map((await this.allVaults()).map((v) => [v.id, (v.resources ?? []).filter((r) => r.type === DISK_RESOURCE).map((r) => r.id)]));
    return storageIds.map((id) => byId.get(id) ?? []);
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

  runBackupPolicy(request: RunBackupPolicyRequest): Promise<StartedJob[] | null> {
    return this.policies.run(request);
  }

  async pollJob(job: JobRecord): Promise<JobState | null> {
    const lookup = lookupOf(job.vendorId);
    if (lookup) return isUuid(lookup.sourceId) ? pollLookup(job, lookup, this.checkpoints.lostCreates, this.guard.settings.lostCreateGraceMs) : null;
    const deleted = deletedBackupOf(job.vendorId);
    if (deleted !== null) return isUuid(deleted) ? deletionState(deleted, await this.client.getBackup(deleted)) : null;
    const cbrJob = readCbrJobId(job.vendorId);
    if (cbrJob === null) return null;
    switch (cbrJob.kind) {
      case 'checkpoint':
        return (await checkpointStates(this.client, cbrJob.job.vaultId, [cbrJob.job]))[0]!;
      case 'oplog': {
        const log = await this.client.getOperationLog(cbrJob.id);
        return log === null ? null : logToJobState(log, job.resource);
      }
      case 'restore': {
        const backup = await this.client.getBackup(cbrJob.backupId);
        if (backup === null) return null;
        const restoring = backupStatus(backup.status) === 'RESTORING';
        return { status: restoring ? 'RUNNING' : 'SUCCEEDED', progress: restoring ? null : 100, error: null, resource: job.resource };
      }
      case 'protect':
      case 'unprotect':
        return pollBinding(this.client, cbrJob.kind, cbrJob.job);
    }
  }

  /** Creates in flight are followed per vault, one listing each (checkpoint-jobs.ts); other jobs one by one. */
  refreshJobs(jobs: readonly JobRecord[]): Promise<Map<string, ReadOutcome<JobState>>> {
    const followed = jobs.flatMap((job): FollowedCheckpoint[] => {
      const cbrJob = readCbrJobId(job.vendorId);
      return cbrJob?.kind === 'checkpoint' ? [{ vendorJobId: job.vendorId, job: cbrJob.job }] : [];
    });
    return refreshCheckpoints(this.client, followed);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async showBackups(ids: readonly string[]): Promise<(CbrBackup | null)[]> {
    return Promise.all(ids.map((id) => (isUuid(id) ? this.limitGets(() => this.client.getBackup(id)) : null)));
  }

  private async allVaults(): Promise<CbrVault[]> {
    const vaults: CbrVault[] = [];
    for (let offset = 0; ; offset += VAULTS_PER_PAGE) {
      const page = await this.client.listVaults({ limit: VAULTS_PER_PAGE, offset });
      vaults.push(...page.vaults);
      if (page.vaults.length < VAULTS_PER_PAGE || vaults.length >= page.count) return vaults;
    }
  }
}
