import type { InventoryShape } from './query.js';
import type { ZStackState } from './state.js';

/**
 * The scheduler's job history (zstack.md §12.4, SchedulerJobHistoryInventory): one row per backup
 * job a trigger fired, scheduled or run now, the only place that says whether a past run succeeded.
 * `id` is a number (the inventory has no uuid: an auto-increment key [I]). The layout of
 * `resultDump` is not in the notes [I]: the backups made (`{"inventories": [...]}`) on success, the
 * ZStack error code on failure.
 */

export interface SchedulerJobHistoryRow {
  id: number;
  triggerUuid: string;
  schedulerJobUuid: string;
  schedulerJobGroupUuid?: string;
  jobType: string;
  /** Epoch ms: when the trigger fired, and when the job ended. */
  startTime: number;
  executeTime: number;
  targetResourceUuid: string;
  requestDump: string;
  resultDump: string;
  success: boolean;
  fireInstanceId: string;
}

export const schedulerJobHistoryShape: InventoryShape = {
  className: 'org.zstack.header.scheduler.SchedulerJobHistoryInventory',
  fields: [
    'id', 'triggerUuid', 'schedulerJobUuid', 'schedulerJobGroupUuid', 'jobType', 'startTime', 'executeTime',
    'targetResourceUuid', 'requestDump', 'resultDump', 'success', 'fireInstanceId',
  ],
};

/** Times in the §7 date format, as every other inventory prints them. */
export function historyInventory(state: ZStackState, row: SchedulerJobHistoryRow): Record<string, unknown> {
  return { ...row, startTime: state.date(row.startTime), executeTime: state.date(row.executeTime) };
}
