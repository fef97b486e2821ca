import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../kit/index.js';
import { readQueryTime, refuseCreateBackup } from './rules.js';
import type { TaurusDbShapes } from './shapes.js';
import type { TaurusDbState } from './state.js';

/**
 * The TaurusDB service behind the gateway: request checks, codes and bodies as huawei.md B describes
 * them. Every handler answers in the service's error shape `{error_code, error_msg}`.
 */

const PAGE_MAX = 100;

export function dbsError(status: number, code: string, message: string): SimResponse {
  return { status, headers: { 'X-Request-Id': randomUUID().replace(/-/g, '') }, body: { error_code: code, error_msg: message } };
}

const parameterError = () => dbsError(400, 'DBS.280001', 'Parameter error.');

export class TaurusDbRoutes {
  constructor(
    private readonly state: TaurusDbState,
    private readonly shapes: TaurusDbShapes,
  ) {}

  listInstances = (request: SimRequest): SimResponse => {
    const page = readPage(request.query);
    if ('status' in page) return page;
    const idFilter = textFilter(request.query.get('id'));
    const nameFilter = textFilter(request.query.get('name'));
    const matching = [...this.state.instances.values()]
      .filter((instance) => idFilter(instance.id) && nameFilter(instance.name))
      .sort((a, b) => b.createdAt - a.createdAt);
    const body = {
      instances: matching.slice(page.offset, page.offset + page.limit).map((instance) => this.shapes.instanceSummary(instance)),
      total_count: matching.length,
    };
    return { status: 200, body };
  };

  getInstance = (request: SimRequest): SimResponse => {
    const instance = this.state.instances.get(request.params.instance_id ?? '');
    if (!instance) return dbsError(404, 'DBS.200002', 'The DB instance does not exist.');
    return { status: 200, body: { instance: this.shapes.instanceDetail(instance) } };
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
    const refusal = refuseCreateBackup(instanceId, name, description ?? null);
    if (refusal) return dbsError(400, refusal.code, refusal.message);

    const instance = this.state.instances.get(instanceId);
    if (!instance) return dbsError(404, 'DBS.200002', 'The DB instance does not exist.');
    if (this.state.buildingBackupOf(instanceId)) return dbsError(409, 'DBS.201205', 'Backup is in progress, please wait.');

    const { backup, job } = this.state.startBackup(instance, name, description ?? '');
    return { status: 201, body: this.shapes.createdBackup(backup, job) };
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
          // Exact matches: the docs name these filters without saying more.
          (!query.get('name') || backup.name === query.get('name')) &&
          (!query.get('instance_name') || this.state.instances.get(backup.instanceId)?.name === query.get('instance_name')) &&
          (type === null || backup.type === type) &&
          (begin === null || wholeSecond(backup.beginAt) >= begin) &&
          (end === null || wholeSecond(backup.beginAt) <= end),
      )
      // Newest first, as the console lists them; the API docs do not promise an order.
      .sort((a, b) => wholeSecond(b.beginAt) - wholeSecond(a.beginAt));
    const body = {
      backups: matching.slice(page.offset, page.offset + page.limit).map((backup) => this.shapes.backup(backup)),
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
    return { status: 200, body: { job: this.shapes.job(job) } };
  };
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

/** The service keeps times to the second. */
function wholeSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
