import {
  changeRefusal,
  type AttachBackupPolicyRequest,
  type BackupPolicyRecord,
  type CreateBackupPolicyRequest,
  type RunBackupPolicyRequest,
  type UpdateBackupPolicyRequest,
} from '../../domain/backup-policy.js';
import { ValidationError, VendorError } from '../../domain/errors.js';
import type { OffsetPage, Page, ProviderKey, ResourceRef, StartedJob } from '../../domain/provider.js';
import type { ZStackClient } from './client.js';
import { derivedZStackUuid, isZStackUuid, randomZStackUuid } from './ids.js';
import type { VolumeInventory } from './mapping.js';
import {
  backupTypeOfJob,
  isBackupGroup,
  parametersOf,
  settingsOf,
  toPolicyRecord,
  triggersOf,
  type BackupJobType,
  type PolicyParts,
  type SchedulerJobGroupInventory,
  type SchedulerJobInventory,
  type SchedulerTriggerInventory,
} from './policy-mapping.js';
import { startRun } from './policy-runs.js';
import { SchedulerCalls } from './scheduler-calls.js';

/**
 * ZStack backup policies (zstack.md §12.5): a policy is a job group of one backup type with one job
 * per volume and one simple trigger per time of day (or per weekday and time). Stand-alone backup
 * jobs from before job groups (3.4.0) are read as policies of their own, and can only be deleted.
 *
 * A create is many async calls, none atomic with the others. The group is linked to its triggers
 * last, so nothing runs before the schedule is whole; a failure part-way undoes what was made. With
 * an idempotencyKey every resourceUuid derives from it, so a retry finds what an earlier attempt left
 * (one whose undo failed too) and finishes it instead of making a second schedule.
 */

interface Parts extends PolicyParts {
  group: SchedulerJobGroupInventory | null;
}

const unique = (values: string[]) => [...new Set(values)];

/** Runs calls side by side and waits for all of them; the first failure is thrown once all ended. */
async function settle(calls: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(calls)).find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

export class ZStackPolicies {
  private readonly calls: SchedulerCalls;

  constructor(
    private readonly key: ProviderKey,
    private readonly client: ZStackClient,
  ) {
    this.calls = new SchedulerCalls(client);
  }

  async list(page: OffsetPage): Promise<Page<BackupPolicyRecord>> {
    const all = (await this.readParts(null)).map((parts) => this.record(parts));
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }

  async get(ids: readonly string[]): Promise<(BackupPolicyRecord | null)[]> {
    const valid = unique(ids.filter(isZStackUuid));
    const found = valid.length ? (await this.readParts(valid)).map((parts) => this.record(parts)) : [];
    return ids.map((id) => found.find((policy) => policy.vendorId === id) ?? null);
  }

  async create(request: CreateBackupPolicyRequest): Promise<BackupPolicyRecord> {
    const storage = request.backupStorageId;
    if (storage === null) throw new ValidationError('backupStorageId', 'required', 'ZSTACK keeps scheduled backups on an image store: give backupStorageId (§12.2)');
    const volumes = await this.targetVolumes(request.targets);
    const type = jobTypeFor(volumes, request.wholeVm);
    const parameters = parametersOf({ backupStorageUuids: [storage], retention: request.retention });
    const triggers = triggersOf(request.plan);
    const base = request.idempotencyKey ? derivedZStackUuid(this.key, 'createBackupPolicy', request.idempotencyKey) : null;
    const uuidOf = (...parts: string[]) => (base ? derivedZStackUuid(base, ...parts) : randomZStackUuid());
    const group = uuidOf('group');
    const jobs = volumes.map((volume) => ({ volume, uuid: uuidOf('job', volume.uuid) }));
    const planned = triggers.map((trigger) => ({ ...trigger, uuid: uuidOf('trigger', trigger.label) }));
    // A retry finds what an earlier attempt with the same key made.
    const [groupFound, jobsFound, triggersFound] = base
      ? await Promise.all([this.calls.groups([group]), this.calls.jobs(jobs.map((job) => job.uuid)), this.calls.triggers(planned.map((t) => t.uuid))])
      : [[], [], []];
    const made = {
      group: groupFound.length > 0,
      jobs: jobsFound.map((job) => job.uuid),
      triggers: triggersFound.map((trigger) => trigger.uuid),
      // A copy: vendor rows are shared and frozen (UpstreamHttp.json), and this list grows below.
      links: [...(groupFound[0]?.triggersUuid ?? [])],
    };
    try {
      if (!made.group) {
        await this.calls.create('jobgroups', { name: request.name, type, parameters, resourceUuid: group });
        made.group = true;
      }
      if (!request.enabled && groupFound[0]?.state !== 'Disabled') await this.calls.update('jobgroups', group, { state: 'Disabled' });
      const newJobs = jobs.filter((job) => !made.jobs.includes(job.uuid));
      await settle(newJobs.map(async ({ volume, uuid }) => {
        await this.calls.create('jobs', { name: `${request.name}-${volume.name}`, type, targetResourceUuid: volume.uuid, parameters, resourceUuid: uuid });
        made.jobs.push(uuid);
      }));
      const members = groupFound[0]?.jobsUuid ?? [];
      const outside = jobs.map((job) => job.uuid).filter((uuid) => !members.includes(uuid));
      if (outside.length) await this.calls.addJobsToGroup(group, outside);
      await settle(planned.filter((trigger) => !made.triggers.includes(trigger.uuid)).map(async (trigger) => {
        const { startTime, schedulerInterval, label } = trigger;
        await this.calls.create('triggers', { name: `${request.name} ${label}`, schedulerType: 'simple', startTime, schedulerInterval, repeatCount: 0, resourceUuid: trigger.uuid });
        made.triggers.push(trigger.uuid);
      }));
      // Last: from here on the schedule runs, and it is whole.
      await settle(planned.filter((trigger) => !made.links.includes(trigger.uuid)).map(async (trigger) => {
        await this.calls.link(group, trigger.uuid);
        made.links.push(trigger.uuid);
      }));
    } catch (error) {
      throw await this.undoCreate(group, made, error, base !== null);
    }
    return (await this.get([group]))[0]!;
  }

  /**
   * Unlinks first (then nothing runs), then deletes what was made; a vendor's refusal says whether
   * the undo worked. A call that got no answer may have been done: a retry with the key finishes it.
   */
  private async undoCreate(group: string, made: { group: boolean; jobs: string[]; triggers: string[]; links: string[] }, cause: unknown, keyed: boolean): Promise<unknown> {
    let undone = true;
    try {
      await settle(made.links.map((trigger) => this.calls.unlink(group, trigger)));
      await settle([...made.triggers.map((t) => this.calls.remove('triggers', t)), ...made.jobs.map((j) => this.calls.remove('jobs', j))]);
      if (made.group) await this.calls.remove('jobgroups', group);
    } catch {
      undone = false;
    }
    if (!(cause instanceof VendorError)) return cause;
    const retry = keyed ? 'retry with the same idempotencyKey to finish it' : `delete job group ${group} and its jobs and triggers`;
    const outcome = undone ? 'the scheduler objects made so far were deleted again, so a retry is safe' : `undoing the part made so far failed too: ${retry}`;
    return new VendorError(cause.providerKey, cause.vendorCode, cause.httpStatus, `${cause.message}; ${outcome}`);
  }

  async update(request: UpdateBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    const parts = await this.readGroup(request.id, 'id');
    if (!parts) return null;
    const group = parts.group!;
    const current = settingsOf(group.jobData);
    const parametersChange = request.retention !== null || request.backupStorageId !== null;
    const parameters = parametersOf({
      backupStorageUuids: request.backupStorageId !== null ? [request.backupStorageId] : current.backupStorageUuids,
      retention: request.retention ?? current.retention,
    });
    const changes = {
      ...(request.name !== null ? { name: request.name } : {}),
      ...(request.enabled !== null ? { state: request.enabled ? 'Enabled' : 'Disabled' } : {}),
      ...(parametersChange ? { parameters } : {}),
    };
    if (Object.keys(changes).length) await this.calls.update('jobgroups', group.uuid, changes);
    if (parametersChange) await settle(parts.jobs.map((job) => this.calls.update('jobs', job.uuid, { parameters })));
    if (request.plan) {
      const name = request.name ?? group.name;
      const fresh: string[] = [];
      try {
        await settle(triggersOf(request.plan).map(async ({ startTime, schedulerInterval, label }) => {
          const uuid = randomZStackUuid();
          await this.calls.create('triggers', { name: `${name} ${label}`, schedulerType: 'simple', startTime, schedulerInterval, repeatCount: 0, resourceUuid: uuid });
          fresh.push(uuid);
          await this.calls.link(group.uuid, uuid);
        }));
      } catch (error) {
        // The old triggers still run: only the new ones go.
        await Promise.allSettled(fresh.map((uuid) => this.calls.remove('triggers', uuid)));
        throw error;
      }
      await this.dropTriggers(parts);
    }
    return (await this.get([group.uuid]))[0] ?? null;
  }

  async remove(id: string): Promise<boolean> {
    const [parts] = isZStackUuid(id) ? await this.readParts([id]) : [];
    if (!parts) return false;
    if (parts.kind === 'group') {
      await this.dropTriggers(parts);
      await settle(parts.jobs.map((job) => this.calls.remove('jobs', job.uuid)));
      await this.calls.remove('jobgroups', parts.owner.uuid);
    } else {
      // Deleting the job removes its trigger refs (§12.4): it stops running first.
      await this.calls.remove('jobs', parts.owner.uuid);
      await this.dropTriggers({ ...parts, kind: 'legacy' }, false);
    }
    return true;
  }

  async attach(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    const parts = await this.readGroup(request.policyId, 'policyId');
    if (!parts) return null;
    const group = parts.group!;
    const volumes = (await this.targetVolumes(request.targets)).filter((volume) => !parts.jobs.some((job) => job.targetResourceUuid === volume.uuid));
    const type = group.jobType as BackupJobType;
    const misfit = volumes.find((volume) => (volume.type === 'Root') !== (type !== 'volumeBackup'));
    if (misfit) {
      throw new ValidationError('targetIds', 'one-job-type', `policy ${group.name} holds ${type} jobs, which take ${type === 'volumeBackup' ? 'data' : 'root'} volumes; ${misfit.name} is not one (a job group keeps one job type, §12.1)`);
    }
    const parameters = parametersOf(settingsOf(group.jobData));
    const made: string[] = [];
    try {
      await settle(volumes.map(async (volume) => {
        const uuid = randomZStackUuid();
        await this.calls.create('jobs', { name: `${group.name}-${volume.name}`, type, targetResourceUuid: volume.uuid, parameters, resourceUuid: uuid });
        made.push(uuid);
      }));
      if (made.length) await this.calls.addJobsToGroup(group.uuid, made);
    } catch (error) {
      await Promise.allSettled(made.map((uuid) => this.calls.remove('jobs', uuid)));
      throw error;
    }
    return (await this.get([group.uuid]))[0] ?? null;
  }

  async detach(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    const parts = await this.readGroup(request.policyId, 'policyId');
    if (!parts) return null;
    const leaving = parts.jobs.filter((job) => request.targets.some((target) => target.vendorId === job.targetResourceUuid)).map((job) => job.uuid);
    if (leaving.length) {
      await this.calls.removeJobsFromGroup(parts.owner.uuid, leaving);
      await settle(leaving.map((uuid) => this.calls.remove('jobs', uuid)));
    }
    return (await this.get([parts.owner.uuid]))[0] ?? null;
  }

  /** A group or a legacy job run now (policy-runs.ts); null when absent. */
  async run(request: RunBackupPolicyRequest): Promise<StartedJob[] | null> {
    const [parts] = isZStackUuid(request.policyId) ? await this.readParts([request.policyId]) : [];
    return parts ? startRun(this.key, this.client, this.calls, parts, request) : null;
  }

  // --- reads ------------------------------------------------------------------------------------

  private record(parts: Parts): BackupPolicyRecord {
    return toPolicyRecord(this.key, parts, this.client.timeZone);
  }

  /** A job group the gateway can write: null when absent, refused as its record says (a legacy job: `unchangeable`). */
  private async readGroup(id: string, field: string): Promise<Parts | null> {
    const [parts] = isZStackUuid(id) ? await this.readParts([id]) : [];
    const refused = parts ? changeRefusal(this.record(parts), field) : null;
    if (refused) throw refused;
    return parts ?? null;
  }

  /**
   * Groups, their jobs and triggers, and stand-alone backup jobs: every one (`ids` null: three reads
   * whatever their number) or those of the given ids.
   */
  private async readParts(ids: readonly string[] | null): Promise<Parts[]> {
    const [groups, named] = await Promise.all([this.calls.groups(ids ?? undefined), this.calls.jobs(ids ?? undefined)]);
    const backupGroups = groups.filter(isBackupGroup);
    const legacy = named.filter((job) => backupTypeOfJob(job) !== null && !job.schedulerJobGroupUuids?.length);
    const memberIds = unique(backupGroups.flatMap((group) => group.jobsUuid ?? []));
    const members = ids === null ? named : memberIds.length ? await this.calls.jobs(memberIds) : [];
    const triggers = await this.calls.triggers(unique([...backupGroups, ...legacy].flatMap((owner) => owner.triggersUuid ?? [])));
    const jobById = new Map<string, SchedulerJobInventory>([...members, ...legacy].map((job) => [job.uuid, job]));
    const triggerById = new Map<string, SchedulerTriggerInventory>(triggers.map((trigger) => [trigger.uuid, trigger]));
    const pick = <T>(map: Map<string, T>, uuids: string[] | undefined) => (uuids ?? []).flatMap((uuid) => map.get(uuid) ?? []);
    return [
      ...backupGroups.map((group): Parts => ({ kind: 'group', group, owner: group, jobs: pick(jobById, group.jobsUuid), triggers: pick(triggerById, group.triggersUuid) })),
      ...legacy.map((job): Parts => ({ kind: 'legacy', group: null, owner: job, jobs: [job], triggers: pick(triggerById, job.triggersUuid) })),
    ];
  }

  /** Unlinks a group's triggers (a legacy job's went with it), then deletes those no other job or group uses. */
  private async dropTriggers(parts: Parts, unlink = parts.kind === 'group'): Promise<void> {
    const owner = parts.owner.uuid;
    if (unlink) await settle(parts.triggers.map((trigger) => this.calls.unlink(owner, trigger.uuid)));
    const own = parts.triggers.filter((trigger) => [...(trigger.jobsUuid ?? []), ...(trigger.jobGroupsUuid ?? [])].every((user) => user === owner));
    await settle(own.map((trigger) => this.calls.remove('triggers', trigger.uuid)));
  }

  /** The target volumes, read once: names for the jobs, types for the job type. */
  private async targetVolumes(targets: ResourceRef[]): Promise<VolumeInventory[]> {
    if (targets.length === 0) return [];
    const other = targets.find((target) => target.type !== 'Volume');
    if (other) throw new ValidationError('targetIds', 'unsupported-by-provider', `ZSTACK schedules backups of volumes, not of a ${other.type}`);
    const ids = unique(targets.map((target) => target.vendorId));
    const rows = await this.client.queryIn<VolumeInventory>('volumes', 'uuid', ids);
    const missing = ids.find((id) => !rows.some((row) => row.uuid === id));
    if (missing) throw new ValidationError('targetIds', 'exists', `ZSTACK has no volume ${missing}`);
    return ids.map((id) => rows.find((row) => row.uuid === id)!);
  }
}

/** §12.1: a job group keeps one job class; `vmBackup` jobs name the VM's root volume. */
function jobTypeFor(volumes: VolumeInventory[], wholeVm: boolean): BackupJobType {
  const roots = volumes.filter((volume) => volume.type === 'Root').length;
  if (wholeVm) {
    if (roots !== volumes.length) throw new ValidationError('targetIds', 'root-volume-only', 'wholeVm backs up a VM through its root volume: give root volumes only');
    return 'vmBackup';
  }
  if (roots > 0 && roots < volumes.length) {
    throw new ValidationError('targetIds', 'one-job-type', 'a ZStack job group keeps one job type: give data volumes or root volumes, not both (or two policies)');
  }
  return roots > 0 ? 'rootVolumeBackup' : 'volumeBackup';
}
