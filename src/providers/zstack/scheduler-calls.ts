import { setTimeout as sleep } from 'node:timers/promises';
import { VendorError } from '../../domain/errors.js';
import { currentDeadline } from '../../infrastructure/logger.js';
import { asPartOfWrite } from '../../infrastructure/upstream-budget.js';
import type { AsyncCall, ZStackClient } from './client.js';
import { randomZStackUuid } from './ids.js';
import { condition } from './query.js';
import { segment } from './requests.js';
import type { SchedulerJobGroupInventory, SchedulerJobInventory, SchedulerTriggerInventory } from './policy-mapping.js';

/**
 * The scheduler APIs of zstack.md §12.1 as awaited calls: every write is an async job, and a policy
 * write is several of them in order, so each is followed to its end before the next starts. Polls
 * start fast and slow down to the client's interval; a job still running as the request's deadline
 * nears is a VendorError saying to retry with the same idempotencyKey.
 */

const FIRST_POLL_MS = 10;
/** The ZStack SDKs poll every second. */
const MAX_POLL_MS = 1_000;
const DEADLINE_MARGIN_MS = 250;
/** Polls when no request deadline applies (the status watcher, scripts). */
const WAIT_WITHOUT_DEADLINE_MS = 60_000;

export class SchedulerCalls {
  constructor(private readonly client: ZStackClient) {}

  /** Runs one async API call to its end and answers its result; a given X-Job-UUID makes a resend find the first call. */
  async run(call: Omit<AsyncCall, 'jobUuid'> & { jobUuid?: string }): Promise<unknown> {
    const deadline = (currentDeadline() ?? Date.now() + WAIT_WITHOUT_DEADLINE_MS) - DEADLINE_MARGIN_MS;
    const jobUuid = await this.client.startJob({ ...call, jobUuid: call.jobUuid ?? randomZStackUuid() });
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
      const poll = await asPartOfWrite(() => this.client.pollJob(jobUuid));
      if (poll.state === 'succeeded') return poll.result;
      if (poll.state === 'failed') throw poll.error;
      if (poll.state === 'expired' || Date.now() + wait > deadline) {
        throw new VendorError(this.client.providerKey, 'ATTEMPT_IN_PROGRESS', null, `ZStack did not finish ${call.method} ${call.path.split('?')[0]} in time; retry with the same idempotencyKey`);
      }
      await sleep(wait);
    }
  }

  create(resource: 'jobs' | 'jobgroups' | 'triggers', params: Record<string, unknown>): Promise<unknown> {
    return this.run({ method: 'POST', path: `/scheduler/${resource}`, body: { params } });
  }

  remove(resource: 'jobs' | 'jobgroups' | 'triggers', uuid: string): Promise<unknown> {
    return this.run({ method: 'DELETE', path: `/scheduler/${resource}/${segment(uuid)}` });
  }

  update(resource: 'jobs' | 'jobgroups', uuid: string, changes: Record<string, unknown>): Promise<unknown> {
    const action = resource === 'jobs' ? 'updateSchedulerJob' : 'updateSchedulerJobGroup';
    return this.run({ method: 'PUT', path: `/scheduler/${resource}/${segment(uuid)}/actions`, body: { [action]: changes } });
  }

  addJobsToGroup(group: string, jobs: string[]): Promise<unknown> {
    return this.run({ method: 'POST', path: `/scheduler/jobgroups/${segment(group)}/job`, body: { params: { schedulerJobUuids: jobs } } });
  }

  removeJobsFromGroup(group: string, jobs: string[]): Promise<unknown> {
    const query = new URLSearchParams(jobs.map((job) => ['schedulerJobUuids', job]));
    return this.run({ method: 'DELETE', path: `/scheduler/jobgroups/${segment(group)}/job?${query}` });
  }

  link(group: string, trigger: string): Promise<unknown> {
    return this.run({ method: 'POST', path: `/scheduler/jobgroups/${segment(group)}/scheduler/triggers/${segment(trigger)}`, body: { params: {} } });
  }

  unlink(group: string, trigger: string): Promise<unknown> {
    return this.run({ method: 'DELETE', path: `/scheduler/jobgroups/${segment(group)}/scheduler/triggers/${segment(trigger)}` });
  }

  /** RunSchedulerTrigger (§12.1): fires the trigger once now, for these of its jobs. */
  runTrigger(trigger: string, jobUuids: string[], jobUuid: string): Promise<unknown> {
    return this.run({ method: 'PUT', path: `/scheduler/triggers/${segment(trigger)}/actions`, body: { runSchedulerTrigger: { jobUuids } }, jobUuid });
  }

  // --- reads (sync Query APIs) -------------------------------------------------------------------

  groups(uuids?: readonly string[]): Promise<SchedulerJobGroupInventory[]> {
    const byType = condition.in('jobType', ['volumeBackup', 'rootVolumeBackup', 'vmBackup']);
    return uuids ? this.client.queryIn('scheduler/jobgroups', 'uuid', uuids, [byType]) : this.client.queryAll('scheduler/jobgroups', { conditions: [byType] });
  }

  /** Backup jobs have no type field: every job is read and told apart by its class (policy-mapping.ts). */
  jobs(uuids?: readonly string[]): Promise<SchedulerJobInventory[]> {
    return uuids ? this.client.queryIn('scheduler/jobs', 'uuid', uuids) : this.client.queryAll('scheduler/jobs');
  }

  triggers(uuids: readonly string[]): Promise<SchedulerTriggerInventory[]> {
    return uuids.length ? this.client.queryIn('scheduler/triggers', 'uuid', uuids) : Promise.resolve([]);
  }
}
