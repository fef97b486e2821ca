import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../../simulator-kit/index.js';
import { createBackupViolation, VENDOR_RULES } from '../constraints.js';
import { formatVendorTime } from '../mapping.js';
import type { WireBackup, WireBackupList, WireCreateBackupResponse, WireInstance, WireInstanceList, WireJob } from '../wire.js';
import type { SimBackup, SimInstance, SimJob, TaurusDbState } from './state.js';

/**
 * The TaurusDB service behind the gateway: request checks, codes and bodies as huawei.md B describes
 * them. Every handler answers in the service's error shape `{error_code, error_msg}`.
 */

const PAGE_MAX = 100;
const DATASTORE_TYPE = 'gaussdb-mysql';
/** `yyyy-mm-ddThh:mm:ssZ` where Z is an offset such as +0800 (huawei.md B.2); `Z` itself is also taken. */
const QUERY_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(Z|[+-]\d{4})$/;

export function dbsError(status: number, code: string, message: string): SimResponse {
  return { status, headers: { 'X-Request-Id': randomUUID().replace(/-/g, '') }, body: { error_code: code, error_msg: message } };
}

const parameterError = () => dbsError(400, 'DBS.280001', 'Parameter error.');

export class TaurusDbRoutes {
  constructor(
    private readonly state: TaurusDbState,
    /** Minutes east of UTC that the service writes its times in (cn-north-4 writes +0800). */
    private readonly utcOffsetMinutes: number,
  ) {}

  listInstances = (request: SimRequest): SimResponse => {
    const page = readPage(request.query);
    if ('status' in page) return page;
    const idFilter = textFilter(request.query.get('id'));
    const nameFilter = textFilter(request.query.get('name'));
    const matching = [...this.state.instances.values()]
      .filter((instance) => idFilter(instance.id) && nameFilter(instance.name))
      .sort((a, b) => b.createdAt - a.createdAt);
    const body: WireInstanceList = {
      instances: matching.slice(page.offset, page.offset + page.limit).map((instance) => this.wireInstance(instance)),
      total_count: matching.length,
    };
    return { status: 200, body };
  };

  createBackup = (request: SimRequest): SimResponse => {
    let body: unknown;
    try {
      body = request.json();
    } catch {
      return parameterError();
    }
    if (typeof body !== 'object' || body === null) return dbsError(400, 'DBS.200006', 'The request is null. Enter a request parameter.');
    const { instance_id: instanceId, name, description } = body as Record<string, unknown>;
    if (typeof instanceId !== 'string' || typeof name !== 'string') return parameterError();
    if (description !== undefined && description !== null && typeof description !== 'string') return parameterError();
    const violation = createBackupViolation({ instanceId, name, description: description ?? null });
    if (violation) return dbsError(400, violation.vendorCode!, vendorMessage(violation.vendorCode!));

    const instance = this.state.instances.get(instanceId);
    if (!instance) return dbsError(404, 'DBS.200002', 'The DB instance does not exist.');
    if (this.state.buildingBackupOf(instanceId)) return dbsError(409, 'DBS.201205', 'Backup is in progress, please wait.');

    const { backup, job } = this.state.startBackup(instance, name, description ?? '');
    const answer: WireCreateBackupResponse = {
      backup: {
        id: backup.id,
        name: backup.name,
        description: backup.description,
        begin_time: this.time(backup.beginAt),
        status: backup.status,
        type: backup.type,
        instance_id: backup.instanceId,
      },
      job_id: job.id,
    };
    return { status: 201, body: answer };
  };

  listBackups = (request: SimRequest): SimResponse => {
    const page = readPage(request.query);
    if ('status' in page) return page;
    const begin = readQueryTime(request.query.get('begin_time'));
    const end = readQueryTime(request.query.get('end_time'));
    if (begin === undefined || end === undefined) return parameterError();
    if (begin !== null && end !== null && end < begin) return parameterError();
    const { query } = request;
    const type = query.get('backup_type');
    if (type !== null && type !== 'auto' && type !== 'manual') return parameterError();

    const matching = [...this.state.backups.values()]
      .filter(
        (backup) =>
          (!query.get('instance_id') || backup.instanceId === query.get('instance_id')) &&
          (!query.get('backup_id') || backup.id === query.get('backup_id')) &&
          (type === null || backup.type === type) &&
          (begin === null || wholeSecond(backup.beginAt) >= begin) &&
          (end === null || wholeSecond(backup.beginAt) <= end),
      )
      // Newest first, as the console lists them; the API docs do not promise an order.
      .sort((a, b) => wholeSecond(b.beginAt) - wholeSecond(a.beginAt));
    const body: WireBackupList = {
      backups: matching.slice(page.offset, page.offset + page.limit).map((backup) => this.wireBackup(backup)),
      total_count: matching.length,
    };
    return { status: 200, body };
  };

  deleteBackup = (request: SimRequest): SimResponse => {
    const backup = this.state.backups.get(request.params.backup_id ?? '');
    if (!backup) return dbsError(404, 'DBS.201010', 'The backup information does not exist.');
    // Automated backups and backups still being built cannot be deleted (huawei.md B.3).
    // A backup a restore reads from cannot go either (huawei.md B.7.4).
    if (backup.type === 'auto' || backup.status === 'BUILDING' || this.state.restoringFrom(backup.id)) {
      return dbsError(400, 'DBS.201208', 'The operation is not allowed by the backup status.');
    }
    this.state.backups.delete(backup.id);
    return { status: 200, body: { backup_id: backup.id, backup_name: backup.name } };
  };

  getJob = (request: SimRequest): SimResponse => {
    const id = request.query.get('id');
    if (!id) return parameterError();
    const job = this.state.jobs.get(id);
    if (!job) return dbsError(400, 'DBS.200543', 'The job does not exist.');
    return { status: 200, body: { job: this.wireJob(job) } };
  };

  private wireInstance(instance: SimInstance): WireInstance {
    return {
      id: instance.id,
      name: instance.name,
      status: instance.status,
      type: 'Cluster',
      port: '3306',
      datastore: { type: DATASTORE_TYPE, version: instance.datastoreVersion, kernel_version: '2.0.57.240900' },
      created: this.time(instance.createdAt),
      updated: this.time(instance.createdAt),
    };
  }

  private wireBackup(backup: SimBackup): WireBackup {
    const instance = this.state.instances.get(backup.instanceId);
    return {
      id: backup.id,
      name: backup.name,
      description: backup.description,
      begin_time: this.time(backup.beginAt),
      end_time: backup.endAt === null ? '' : this.time(backup.endAt),
      status: backup.status,
      take_up_time: backup.endAt === null ? 0 : Math.round((backup.endAt - backup.beginAt) / 60_000),
      type: backup.type,
      size: backup.sizeMb ?? 0,
      datastore: { type: DATASTORE_TYPE, version: instance?.datastoreVersion ?? '8.0' },
      instance_id: backup.instanceId,
    };
  }

  private wireJob(job: SimJob): WireJob {
    const instance = this.state.instances.get(job.instanceId);
    return {
      id: job.id,
      name: job.name,
      status: job.status,
      created: this.time(job.createdAt),
      ended: job.endedAt === null ? '' : this.time(job.endedAt),
      process: this.state.progressOf(job),
      instance: { id: job.instanceId, name: instance?.name ?? '' },
      // Entities of a backup task are not documented; naming the backup is this simulator's choice.
      entities: job.backupId === null ? {} : { backup_id: job.backupId },
      ...(job.failReason ? { fail_reason: job.failReason } : {}),
    };
  }

  private time(epochMs: number): string {
    return formatVendorTime(epochMs, this.utcOffsetMinutes);
  }
}

function vendorMessage(code: string): string {
  return Object.values(VENDOR_RULES).find((rule) => rule.code === code)?.message ?? 'Parameter error.';
}

/** offset ≥ 0 (default 0) and limit 1–100 (default 100), as strings of digits. */
function readPage(query: URLSearchParams): { offset: number; limit: number } | SimResponse {
  const offsetText = query.get('offset') ?? '0';
  const limitText = query.get('limit') ?? String(PAGE_MAX);
  if (!/^\d+$/.test(offsetText)) return parameterError();
  const limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= PAGE_MAX)) {
    return dbsError(400, 'DBS.280439', 'Invalid records. Enter a positive integer less than 100.');
  }
  return { offset: Number(offsetText), limit };
}

/** A leading `*` asks for a fuzzy match (huawei.md B.5); otherwise the value must match exactly. */
function textFilter(value: string | null): (candidate: string) => boolean {
  if (!value) return () => true;
  if (value.startsWith('*')) return (candidate) => candidate.includes(value.slice(1));
  return (candidate) => candidate === value;
}

/** Epoch ms, `null` when absent, `undefined` when not in the vendor's format. */
function readQueryTime(value: string | null): number | null | undefined {
  if (value === null) return null;
  const match = QUERY_TIME.exec(value);
  if (!match) return undefined;
  const zone = match[2] === 'Z' ? 'Z' : `${match[2]!.slice(0, 3)}:${match[2]!.slice(3)}`;
  const parsed = Date.parse(`${match[1]}${zone}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** The service keeps times to the second. */
function wholeSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
