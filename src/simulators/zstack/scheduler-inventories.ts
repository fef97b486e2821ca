import type { InventoryShape } from './query.js';
import { jobClassOf, jobDataOf, SchedulerTables, type SchedulerJobGroupRow, type SchedulerJobRow, type SchedulerTriggerRow } from './scheduler.js';
import type { ZStackState } from './state.js';

/** The scheduler inventories (zstack.md §12.4, SDK field sets) and their Query API shapes. */

export const schedulerJobShape: InventoryShape = {
  className: 'org.zstack.header.scheduler.SchedulerJobInventory',
  fields: ['uuid', 'targetResourceUuid', 'name', 'description', 'state', 'createDate', 'lastOpDate', 'jobData', 'jobClassName'],
};

export const schedulerJobGroupShape: InventoryShape = {
  className: 'org.zstack.header.scheduler.SchedulerJobGroupInventory',
  fields: ['uuid', 'name', 'description', 'state', 'createDate', 'lastOpDate', 'jobType', 'jobData'],
};

export const schedulerTriggerShape: InventoryShape = {
  className: 'org.zstack.header.scheduler.SchedulerTriggerInventory',
  fields: ['uuid', 'name', 'description', 'cron', 'schedulerType', 'schedulerInterval', 'repeatCount', 'startTime', 'stopTime', 'createDate', 'lastOpDate'],
};

const described = (description: string | undefined) => (description !== undefined ? { description } : {});

export function jobInventory(state: ZStackState, row: SchedulerJobRow): Record<string, unknown> {
  const tables = state.scheduler;
  return {
    uuid: row.uuid,
    targetResourceUuid: row.targetResourceUuid,
    name: row.name,
    ...described(row.description),
    state: row.state,
    createDate: state.date(row.createdAt),
    lastOpDate: state.date(row.lastOpAt),
    jobData: jobDataOf(row),
    jobClassName: jobClassOf(row.type),
    triggersUuid: SchedulerTables.pairs(tables.jobTriggers, row.uuid, 0),
    schedulerJobGroupUuids: SchedulerTables.pairs(tables.groupJobs, row.uuid, 1),
  };
}

export function groupInventory(state: ZStackState, row: SchedulerJobGroupRow): Record<string, unknown> {
  const tables = state.scheduler;
  return {
    uuid: row.uuid,
    name: row.name,
    ...described(row.description),
    state: row.state,
    createDate: state.date(row.createdAt),
    lastOpDate: state.date(row.lastOpAt),
    jobType: row.type,
    jobData: jobDataOf(row),
    triggersUuid: SchedulerTables.pairs(tables.groupTriggers, row.uuid, 0),
    jobsUuid: SchedulerTables.pairs(tables.groupJobs, row.uuid, 0),
  };
}

/** Times in the §7 date format: startTime is stored as `startTime * 1000` ms. */
export function triggerInventory(state: ZStackState, row: SchedulerTriggerRow): Record<string, unknown> {
  const tables = state.scheduler;
  return {
    uuid: row.uuid,
    name: row.name,
    ...described(row.description),
    ...(row.cron !== undefined ? { cron: row.cron } : {}),
    schedulerType: row.schedulerType,
    ...(row.schedulerInterval !== undefined ? { schedulerInterval: row.schedulerInterval } : {}),
    repeatCount: row.repeatCount,
    ...(row.startTime !== undefined ? { startTime: state.date(row.startTime * 1000) } : {}),
    createDate: state.date(row.createdAt),
    lastOpDate: state.date(row.lastOpAt),
    jobsUuid: SchedulerTables.pairs(tables.jobTriggers, row.uuid, 1),
    jobGroupsUuid: SchedulerTables.pairs(tables.groupTriggers, row.uuid, 1),
  };
}
