import { argError } from './errors.js';
import type { JobWork } from './jobs.js';
import { parseQueryParams, queryRequest, runQuery, type InventoryShape, type QueryRequest } from './query.js';
import { DEFAULT_API_TIMEOUT_MS, registerPath, type ApiCall, type ApiDefinition, type AsyncApi, type RestContext } from './rest.js';
import {
  BACKUP_JOB_TYPES,
  backupSettingsOf,
  jobClassOf,
  JOB_TYPES,
  requireJob,
  runTriggerNow,
  SchedulerTables,
  type SchedulerJobGroupRow,
  type SchedulerTriggerRow,
} from './scheduler.js';
import { historyInventory, schedulerJobHistoryShape } from './scheduler-history.js';
import { groupInventory, jobInventory, schedulerJobGroupShape, schedulerJobShape, schedulerTriggerShape, triggerInventory } from './scheduler-inventories.js';
import { requireFreeUuid, requireResource, validateParams, validateResourceUuid } from './validation.js';

/** The scheduler APIs of zstack.md §12.1: every write async, queries sync. */

const MSG = 'org.zstack.header.scheduler.';
const START_TIME_MAX = 2147454847;
const CRON = /^\S+ \S+ \S+ \S+ \S+ \S+$/;

function asyncApi(api: string, method: AsyncApi['method'], start: (call: ApiCall) => JobWork, action?: string): AsyncApi {
  return { kind: 'async', api, method, timeoutMs: DEFAULT_API_TIMEOUT_MS, start, ...(action ? { action } : {}) };
}

function queryApi(context: RestContext, shape: InventoryShape, rows: () => Record<string, unknown>[], byUuid: boolean): ApiDefinition {
  return {
    kind: 'sync',
    method: 'GET',
    query: true,
    schema: { inventories: shape },
    run: (call) => {
      call.requireSession();
      const request: QueryRequest = byUuid ? queryRequest([{ name: 'uuid', op: '=', value: call.vars.uuid ?? '' }]) : parseQueryParams(call.request.query);
      return { ...runQuery(rows(), request, shape, context.state.timeZone) };
    },
  };
}

/** §12.3 interceptor rules for a simple or cron trigger. */
function validateTrigger(params: Record<string, unknown>): Omit<SchedulerTriggerRow, 'uuid' | 'name' | 'createdAt' | 'lastOpAt'> {
  validateParams(`${MSG}APICreateSchedulerTriggerMsg`, params, { name: { maxLength: 255 }, schedulerType: { validValues: ['simple', 'cron'] } });
  const interval = params.schedulerInterval === undefined || params.schedulerInterval === null ? undefined : Number(params.schedulerInterval);
  const repeatCount = Number(params.repeatCount ?? 0);
  if (params.schedulerType === 'cron') {
    const cron = String(params.cron ?? '');
    if (interval !== undefined || repeatCount !== 0) throw argError('cron scheduler only need to specify cron task');
    if (!CRON.test(cron) || !cron.includes('?')) throw argError('cron task must follow format like this : "0 0/3 17-23 * * ?"');
    return { schedulerType: 'cron', cron, repeatCount: 0 };
  }
  if (params.startTime === undefined || params.startTime === null) throw argError('startTime must be set for simple scheduler');
  const startTime = Number(params.startTime);
  if (!Number.isInteger(startTime) || startTime < 0) throw argError('startTime must be positive integer or 0');
  if (startTime > START_TIME_MAX) throw argError('startTime out of range');
  if (interval === undefined && repeatCount !== 1) throw argError('schedulerInterval must be set for simple scheduler');
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 1 || interval > 2 ** 31 - 1)) throw argError('field[schedulerInterval] must be in range of [1, 2147483647]');
  if (!Number.isInteger(repeatCount) || repeatCount < 0) throw argError('field[repeatCount] must be in range of [0, 2147483647]');
  return { schedulerType: 'simple', ...(interval !== undefined ? { schedulerInterval: interval } : {}), repeatCount, startTime };
}

const describedBy = (params: Record<string, unknown>) => (params.description != null ? { description: String(params.description) } : {});

export function registerSchedulerRoutes(context: RestContext): void {
  const { state } = context;
  const tables = state.scheduler;
  const now = () => state.now();
  const jobs = () => [...tables.jobs.values()].map((row) => jobInventory(state, row));
  const groups = () => [...tables.groups.values()].map((row) => groupInventory(state, row));
  const triggers = () => [...tables.triggers.values()].map((row) => triggerInventory(state, row));
  const history = () => tables.history.map((row) => historyInventory(state, row));
  const requireGroup = (field: string, uuid: unknown) => requireResource(tables.groups, field, uuid, 'SchedulerJobGroupVO');
  const requireTrigger = (field: string, uuid: unknown) => requireResource(tables.triggers, field, uuid, 'SchedulerTriggerVO');
  const settingsFor = (type: string, parameters: unknown) => ((BACKUP_JOB_TYPES as readonly string[]).includes(type) ? backupSettingsOf(state, parameters) : null);

  registerPath(context, '/scheduler/jobs', [
    queryApi(context, schedulerJobShape, jobs, false),
    asyncApi('CreateSchedulerJob', 'POST', ({ params }) => {
      const resourceUuid = validateResourceUuid(params.resourceUuid);
      validateParams(`${MSG}APICreateSchedulerJobMsg`, params, { name: { maxLength: 255 }, targetResourceUuid: {}, type: {} });
      const type = String(params.type);
      if (!(JOB_TYPES as readonly string[]).includes(type)) throw argError(`No SchedulerJobFactory of type[${type}] found`);
      const settings = settingsFor(type, params.parameters);
      if (settings) requireResource(state.volumes, 'targetResourceUuid', params.targetResourceUuid, 'VolumeVO');
      const uuid = resourceUuid ?? state.nextUuid('scheduler-job');
      requireFreeUuid(tables.jobs, uuid);
      return {
        complete: () => {
          requireFreeUuid(tables.jobs, uuid);
          const row = { uuid, name: String(params.name), ...describedBy(params), type, targetResourceUuid: String(params.targetResourceUuid), settings, state: 'Enabled' as const, createdAt: now(), lastOpAt: now() };
          tables.jobs.set(uuid, row);
          return { inventory: jobInventory(state, row) };
        },
      };
    }),
  ]);
  registerPath(context, '/scheduler/jobs/{uuid}', [
    queryApi(context, schedulerJobShape, jobs, true),
    asyncApi('DeleteSchedulerJob', 'DELETE', ({ params }) => {
      const uuid = String(params.uuid);
      return {
        immediate: !tables.jobs.has(uuid),
        complete: () => {
          tables.jobs.delete(uuid);
          SchedulerTables.drop(tables.jobTriggers, uuid);
          SchedulerTables.drop(tables.groupJobs, uuid);
          return {};
        },
      };
    }),
  ]);
  registerPath(context, '/scheduler/jobs/{uuid}/actions', [
    asyncApi(
      'UpdateSchedulerJob',
      'PUT',
      ({ params }) => {
        const row = requireJob(tables, 'uuid', params.uuid);
        const settings = params.parameters !== undefined ? settingsFor(row.type, params.parameters) : row.settings;
        return {
          complete: () => {
            Object.assign(row, { settings, lastOpAt: now() }, params.name != null ? { name: String(params.name) } : {}, describedBy(params));
            return { inventory: jobInventory(state, row) };
          },
        };
      },
      'updateSchedulerJob',
    ),
  ]);

  registerPath(context, '/scheduler/jobgroups', [
    queryApi(context, schedulerJobGroupShape, groups, false),
    asyncApi('CreateSchedulerJobGroup', 'POST', ({ params }) => {
      const resourceUuid = validateResourceUuid(params.resourceUuid);
      validateParams(`${MSG}APICreateSchedulerJobGroupMsg`, params, { name: { maxLength: 255 }, type: {} });
      const type = String(params.type);
      if (!(JOB_TYPES as readonly string[]).includes(type)) throw argError(`No SchedulerJobFactory of type[${type}] found`);
      const settings = settingsFor(type, params.parameters);
      const uuid = resourceUuid ?? state.nextUuid('scheduler-job-group');
      requireFreeUuid(tables.groups, uuid);
      return {
        complete: () => {
          requireFreeUuid(tables.groups, uuid);
          const row: SchedulerJobGroupRow = { uuid, name: String(params.name), ...describedBy(params), type, settings, state: 'Enabled', createdAt: now(), lastOpAt: now() };
          tables.groups.set(uuid, row);
          return { inventory: groupInventory(state, row) };
        },
      };
    }),
  ]);
  registerPath(context, '/scheduler/jobgroups/{uuid}', [
    queryApi(context, schedulerJobGroupShape, groups, true),
    asyncApi('DeleteSchedulerJobGroup', 'DELETE', ({ params }) => {
      const uuid = String(params.uuid);
      return {
        immediate: !tables.groups.has(uuid),
        // Trigger refs cascade (V3.4.0 FK); member jobs stay, out of the group (§12.4 open question).
        complete: () => {
          tables.groups.delete(uuid);
          SchedulerTables.drop(tables.groupTriggers, uuid);
          SchedulerTables.drop(tables.groupJobs, uuid);
          return {};
        },
      };
    }),
  ]);
  registerPath(context, '/scheduler/jobgroups/{uuid}/actions', [
    asyncApi(
      'UpdateSchedulerJobGroup',
      'PUT',
      ({ params }) => {
        const row = requireGroup('uuid', params.uuid);
        validateParams(`${MSG}APIUpdateSchedulerJobGroupMsg`, params, { state: { required: false, validValues: ['Enabled', 'Disabled'] } });
        const settings = params.parameters !== undefined ? settingsFor(row.type, params.parameters) : row.settings;
        return {
          complete: () => {
            Object.assign(row, { settings, lastOpAt: now() }, params.name != null ? { name: String(params.name) } : {}, params.state != null ? { state: params.state } : {}, describedBy(params));
            return { inventory: groupInventory(state, row) };
          },
        };
      },
      'updateSchedulerJobGroup',
    ),
  ]);
  registerPath(context, '/scheduler/jobgroups/{schedulerJobGroupUuid}/job', [
    asyncApi('AddSchedulerJobsToSchedulerJobGroup', 'POST', ({ params }) => {
      const group = requireGroup('schedulerJobGroupUuid', params.schedulerJobGroupUuid);
      const uuids = params.schedulerJobUuids;
      if (!Array.isArray(uuids) || uuids.length === 0) throw argError('field[schedulerJobUuids] must be a nonempty list');
      const members = uuids.map((uuid) => requireJob(tables, 'schedulerJobUuids', uuid));
      const other = members.filter((job) => jobClassOf(job.type) !== jobClassOf(group.type)).length;
      if (other > 0) throw argError(`${other} jobs have different job type with job group`);
      return {
        complete: () => {
          for (const job of members) tables.groupJobs.add(`${group.uuid}|${job.uuid}`);
          return { inventories: members.map((job) => ({ schedulerJobGroupUuid: group.uuid, schedulerJobUuid: job.uuid, createDate: state.date(), lastOpDate: state.date() })) };
        },
      };
    }),
    {
      kind: 'async',
      api: 'RemoveSchedulerJobsFromSchedulerJobGroup',
      method: 'DELETE',
      timeoutMs: DEFAULT_API_TIMEOUT_MS,
      paramTypes: { schedulerJobUuids: 'list' },
      start: ({ params }) => {
        const group = requireGroup('schedulerJobGroupUuid', params.schedulerJobGroupUuid);
        const uuids = (params.schedulerJobUuids as string[] | undefined) ?? [];
        if (uuids.length === 0) throw argError('field[schedulerJobUuids] must be a nonempty list');
        return { complete: () => (uuids.forEach((uuid) => tables.groupJobs.delete(`${group.uuid}|${uuid}`)), {}) };
      },
    },
  ]);
  registerPath(context, '/scheduler/jobgroups/{schedulerJobGroupUuid}/scheduler/triggers/{schedulerTriggerUuid}', [
    asyncApi('AddSchedulerJobGroupToSchedulerTrigger', 'POST', ({ params }) => {
      const group = requireGroup('schedulerJobGroupUuid', params.schedulerJobGroupUuid);
      const trigger = requireTrigger('schedulerTriggerUuid', params.schedulerTriggerUuid);
      const ref = `${group.uuid}|${trigger.uuid}`;
      if (tables.groupTriggers.has(ref)) throw argError(`Can not add job[uuid:${group.uuid}] twice to the same trigger[uuid:${trigger.uuid}]`);
      return {
        complete: () => {
          tables.groupTriggers.add(ref);
          return { inventory: { schedulerJobGroupUuid: group.uuid, schedulerTriggerUuid: trigger.uuid, createDate: state.date(), lastOpDate: state.date() } };
        },
      };
    }),
    asyncApi('RemoveSchedulerJobGroupFromSchedulerTrigger', 'DELETE', ({ params }) => ({
      complete: () => (tables.groupTriggers.delete(`${String(params.schedulerJobGroupUuid)}|${String(params.schedulerTriggerUuid)}`), {}),
    })),
  ]);
  registerPath(context, '/scheduler/jobs/{schedulerJobUuid}/scheduler/triggers/{schedulerTriggerUuid}', [
    asyncApi('AddSchedulerJobToSchedulerTrigger', 'POST', ({ params }) => {
      const job = requireJob(tables, 'schedulerJobUuid', params.schedulerJobUuid);
      const trigger = requireTrigger('schedulerTriggerUuid', params.schedulerTriggerUuid);
      const ref = `${job.uuid}|${trigger.uuid}`;
      if (tables.jobTriggers.has(ref)) throw argError(`Can not add job[uuid:${job.uuid}] twice to the same trigger[uuid:${trigger.uuid}]`);
      return { complete: () => (tables.jobTriggers.add(ref), { inventory: { uuid: state.nextUuid('job-trigger-ref'), schedulerJobUuid: job.uuid, schedulerTriggerUuid: trigger.uuid } }) };
    }),
    asyncApi('RemoveSchedulerJobFromSchedulerTrigger', 'DELETE', ({ params }) => ({
      complete: () => (tables.jobTriggers.delete(`${String(params.schedulerJobUuid)}|${String(params.schedulerTriggerUuid)}`), {}),
    })),
  ]);

  registerPath(context, '/scheduler/triggers', [
    queryApi(context, schedulerTriggerShape, triggers, false),
    asyncApi('CreateSchedulerTrigger', 'POST', ({ params }) => {
      const resourceUuid = validateResourceUuid(params.resourceUuid);
      const rule = validateTrigger(params);
      const uuid = resourceUuid ?? state.nextUuid('scheduler-trigger');
      requireFreeUuid(tables.triggers, uuid);
      return {
        complete: () => {
          requireFreeUuid(tables.triggers, uuid);
          const row: SchedulerTriggerRow = { uuid, name: String(params.name), ...describedBy(params), ...rule, createdAt: now(), lastOpAt: now() };
          tables.triggers.set(uuid, row);
          return { inventory: triggerInventory(state, row) };
        },
      };
    }),
  ]);
  registerPath(context, '/scheduler/triggers/{uuid}', [
    queryApi(context, schedulerTriggerShape, triggers, true),
    asyncApi('DeleteSchedulerTrigger', 'DELETE', ({ params }) => {
      const uuid = String(params.uuid);
      return {
        immediate: !tables.triggers.has(uuid),
        complete: () => {
          tables.triggers.delete(uuid);
          SchedulerTables.drop(tables.jobTriggers, uuid);
          SchedulerTables.drop(tables.groupTriggers, uuid);
          return {};
        },
      };
    }),
  ]);
  registerPath(context, '/scheduler/triggers/{uuid}/actions', [
    asyncApi(
      'RunSchedulerTrigger',
      'PUT',
      ({ params }) => {
        const trigger = requireTrigger('uuid', params.uuid);
        const jobUuids = params.jobUuids;
        if (jobUuids !== undefined && jobUuids !== null && !(Array.isArray(jobUuids) && jobUuids.every((uuid) => typeof uuid === 'string'))) {
          throw argError('field[jobUuids] must be a list of strings');
        }
        // §12.3: fires once, now; a disabled group's jobs stay inhibited (§12.4).
        return { complete: () => (runTriggerNow(state, trigger, (jobUuids as string[] | null | undefined) ?? undefined, now()), {}) };
      },
      'runSchedulerTrigger',
    ),
  ]);
  registerPath(context, '/scheduler/job/history', [queryApi(context, schedulerJobHistoryShape, history, false)]);
}
