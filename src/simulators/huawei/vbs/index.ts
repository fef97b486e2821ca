import { SimulatorServer, type SimHandler, type SimRequest, type SimResponse } from '../../kit/index.js';
import { gatewayError, withGatewayAuth } from '../gateway.js';
import { SimulatedIam, type SimulatedIamOptions, type TokenValidator } from '../iam.js';
import type { AccessKeyPair } from '../signature.js';
import { compareValues, pageSortedRows, parseIdList, readCount, readEvsPaging, type EvsListError } from './evs-listing.js';
import { refuseCreateBackup } from './rules.js';
import { backupJson, links, snapshotJson, snapshotListItem, volumeJson } from './shapes.js';
import { cinderFault, vbsError } from './errors.js';
import { registerRestoreRoutes } from './restore.js';
import { registerPolicyRoutes, VbsPolicies } from './policies.js';
import {
  autobkSnapshot,
  cinderTime,
  demoState,
  emptyState,
  initJob,
  jobTime,
  makeVolume,
  newId,
  type SimBackup,
  type SimVolume,
  type VbsSimulatorState,
} from './state.js';

/**
 * Huawei Cloud VBS (cloud create + job API, native backup API) and the EVS volume/snapshot reads it
 * leans on, behind a simulated API Gateway (AK/SK signature or IAM token), on one port.
 */

export interface VbsSimulatorOptions {
  projectId: string;
  credentials: AccessKeyPair[];
  /** Accept IAM tokens: an existing IAM's validator, or users for an IAM served on this port. */
  iam?: TokenValidator | SimulatedIamOptions;
  /** How long a backup job (and a delete) takes; default 2 s. */
  jobDurationMs?: number;
  seed?: 'demo' | 'empty';
  /** Backups one disk may have (VolumeBackup.0040); default 20, as the OTC docs say. */
  perDiskBackupLimit?: number;
  /** The service's clock for scheduled policy runs (epoch ms); the process clock by default. */
  now?: () => number;
  port?: number;
}

export interface VbsJobFailure {
  errorCode: string;
  failReason: string;
}

export interface VbsSimulator {
  url: string;
  server: SimulatorServer;
  state: VbsSimulatorState;
  /** The IAM served on this port, when `iam` was given as users. */
  iam: SimulatedIam | null;
  /** Makes the next create job end in FAIL with this code and reason. */
  failNext(failure: VbsJobFailure): void;
  /** Makes the next restore job end in FAIL with this code and reason. */
  failNextRestore(failure: VbsJobFailure): void;
  addVolume(fields?: Partial<SimVolume>): SimVolume;
  /** Backup policies, their disks and tasks (huawei.md A.9). */
  policies: VbsPolicies;
  /** Makes the policy runs whose start passed since the last look (on the service's clock). */
  runSchedules(): number;
  close(): Promise<void>;
}

const MAX_LIST_LIMIT = 1000;
const MAX_IDS = 60;

export async function startVbsSimulator(options: VbsSimulatorOptions): Promise<VbsSimulator> {
  const { projectId } = options;
  const jobDurationMs = options.jobDurationMs ?? 2_000;
  const perDiskBackupLimit = options.perDiskBackupLimit ?? 20;
  const seed = () => (options.seed === 'empty' ? emptyState() : demoState());
  const state = seed();
  const pendingFailures: VbsJobFailure[] = [];
  const pendingRestoreFailures: VbsJobFailure[] = [];

  const server = new SimulatorServer({
    name: 'huawei-vbs',
    notFound: () => gatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment'),
  });
  server.onReset(() => {
    Object.assign(state, seed());
    pendingFailures.length = 0;
    pendingRestoreFailures.length = 0;
  });

  const iam = options.iam && !isTokenValidator(options.iam) ? new SimulatedIam(options.iam) : null;
  if (iam) iam.mount(server);
  const tokens = iam ?? (options.iam as TokenValidator | undefined);
  const authed = (handler: SimHandler): SimHandler =>
    withGatewayAuth(
      {
        credentials: options.credentials,
        ...(tokens ? { tokens } : {}),
        projectId,
        projectMismatch: (message) => vbsError(400, 'Common.0018', message),
      },
      handler,
    );
  const url = () => server.url;
  const place = () => ({ url: server.url, projectId });

  // --- VBS cloud API: create and jobs -------------------------------------------------------------
  server.route('POST', '/v2/:project_id/cloudbackups', authed((request) => createBackup(request)));
  server.route('GET', '/v1/:project_id/jobs/:job_id', authed((request) => {
    const job = state.jobs.get(request.params.job_id ?? '');
    return job ? { status: 200, body: job } : vbsError(404, 'common.0011', 'query job fail');
  }));

  // --- VBS native (Cinder) backup API ------------------------------------------------------------
  server.route('GET', '/v2/:project_id/backups/detail', authed((request) => listBackups(request, 'detail')));
  server.route('GET', '/v2/:project_id/backups', authed((request) => listBackups(request, 'summary')));
  server.route('GET', '/v2/:project_id/backups/:backup_id', authed((request) => {
    const backup = state.backups.get(request.params.backup_id ?? '');
    return backup ? { status: 200, body: { backup: backupJson(backup, place()) } } : backupNotFound(request.params.backup_id ?? '');
  }));
  server.route('DELETE', '/v2/:project_id/backups/:backup_id', authed((request) => deleteBackup(request.params.backup_id ?? '')));
  registerRestoreRoutes({ server, state, authed, jobDurationMs, failures: pendingRestoreFailures });
  const now = options.now ?? Date.now;
  const policies = new VbsPolicies(state, { now, later: (ms, run) => server.later(ms, run), durationMs: jobDurationMs });
  registerPolicyRoutes(server, authed, policies);
  let scheduledUpTo = now();
  const runSchedules = () => policies.runDue(scheduledUpTo, (scheduledUpTo = Math.max(scheduledUpTo, now())));
  const checkSchedules = () => (runSchedules(), server.later(30_000, checkSchedules));
  server.later(30_000, checkSchedules);
  server.onReset(() => (policies.reset(), (scheduledUpTo = now())));

  // --- EVS ---------------------------------------------------------------------------------------
  server.route('GET', '/v2/:project_id/cloudvolumes/detail', authed((request) => listVolumes(request)));
  server.route('GET', '/v2/:project_id/cloudvolumes/:volume_id', authed((request) => {
    const volume = state.volumes.get(request.params.volume_id ?? '');
    return volume ? { status: 200, body: { volume: volumeJson(volume, place()) } } : evsNotFound('Volume', request.params.volume_id ?? '');
  }));
  server.route('GET', '/v2/:project_id/cloudsnapshots/detail', authed((request) => listSnapshots(request)));
  server.route('GET', '/v2/:project_id/cloudsnapshots/:snapshot_id', authed((request) => {
    const snapshot = state.snapshots.get(request.params.snapshot_id ?? '');
    return snapshot ? { status: 200, body: { snapshot: snapshotJson(snapshot, place()) } } : evsNotFound('Snapshot', request.params.snapshot_id ?? '');
  }));

  function createBackup(request: SimRequest): SimResponse {
    let body: unknown;
    try {
      body = request.json();
    } catch {
      return vbsError(400, 'VolumeBackup.0002', 'api request parameter instance null');
    }
    const backup = (body as { backup?: unknown } | undefined)?.backup;
    if (!isRecord(backup)) return vbsError(400, 'VolumeBackup.0002', 'api request parameter instance null');
    const tags = backup.tags ?? [];
    const wellTyped =
      optionalString(backup.volume_id) &&
      optionalString(backup.name) &&
      optionalString(backup.description) &&
      optionalString(backup.snapshot_id) &&
      Array.isArray(tags) &&
      tags.every((tag) => isRecord(tag) && typeof tag.key === 'string' && optionalString(tag.value));
    if (!wellTyped) return vbsError(400, 'VolumeBackup.0002', 'api request parameter instance null');
    const input = {
      volumeId: (backup.volume_id as string | undefined) ?? '',
      name: (backup.name as string | undefined) ?? '',
      description: (backup.description as string | null | undefined) ?? null,
      snapshotId: (backup.snapshot_id as string | null | undefined) ?? null,
      tags: (tags as { key: string; value?: string | null }[]).map((tag) => ({ key: tag.key, value: tag.value ?? '' })),
    };
    const refusal = refuseCreateBackup(input);
    if (refusal) return vbsError(400, refusal.code, refusal.message);

    const volume = state.volumes.get(input.volumeId);
    if (!volume) return vbsError(400, 'VolumeBackup.0021', 'The EVS disk does not exist or has been deleted');
    const ofVolume = [...state.backups.values()].filter((b) => b.volume_id === volume.id);
    if (ofVolume.some((b) => b.status === 'creating')) {
      return vbsError(400, 'VolumeBackup.0013', 'The previous backup task of the disk is not finished');
    }
    if (volume.status !== 'available' && volume.status !== 'in-use') {
      return vbsError(400, 'VolumeBackup.0012', 'The disk status must be available or in-use');
    }
    if (ofVolume.length >= perDiskBackupLimit) {
      return vbsError(400, 'VolumeBackup.0040', `The number of backups of the disk has reached the limit (${perDiskBackupLimit})`);
    }
    return { status: 200, body: { job_id: startBackupJob(volume, input) } };
  }

  /** INIT now, RUNNING (with the autobk snapshot) a third of the way, SUCCESS or FAIL at the end. */
  function startBackupJob(volume: SimVolume, input: { name: string; description: string | null; snapshotId: string | null; tags: SimBackup['tags'] }): string {
    const now = Date.now();
    const failure = pendingFailures.shift();
    const backup: SimBackup = {
      id: newId(),
      name: input.name,
      description: input.description,
      status: 'creating',
      volume_id: volume.id,
      snapshot_id: input.snapshotId,
      size: volume.size,
      fail_reason: null,
      availability_zone: volume.availability_zone,
      tags: input.tags,
      created_at: cinderTime(now),
      updated_at: cinderTime(now),
    };
    state.backups.set(backup.id, backup);
    server.recordCreation('backup', backup.name);
    volume.statusBeforeBackup = volume.status;
    volume.status = 'backing-up';
    const job = initJob('bksCreateBackup', { backup_id: backup.id, volume_id: volume.id, bks_create_volume_name: volume.name }, now);
    state.jobs.set(job.job_id, job);

    server.later(Math.floor(jobDurationMs / 3), () => {
      // A busy event loop may run this after the end (both timers due at once): never go back.
      if (job.status !== 'INIT') return;
      job.status = 'RUNNING';
      if (backup.snapshot_id === null) {
        const snapshot = autobkSnapshot(volume);
        state.snapshots.set(snapshot.id, snapshot);
        backup.snapshot_id = snapshot.id;
        job.entities.snapshot_id = snapshot.id;
      }
    });
    server.later(jobDurationMs, () => {
      const end = Date.now();
      volume.status = volume.statusBeforeBackup ?? 'available';
      delete volume.statusBeforeBackup;
      backup.updated_at = cinderTime(end);
      job.end_time = jobTime(end);
      if (failure) {
        job.status = 'FAIL';
        job.error_code = failure.errorCode;
        job.fail_reason = failure.failReason;
        backup.status = 'error';
        backup.fail_reason = failure.failReason;
      } else {
        job.status = 'SUCCESS';
        backup.status = 'available';
      }
    });
    return job.job_id;
  }

  /** Cinder lets only available or failed backups go; the backup then shows `deleting` until it is gone. */
  function deleteBackup(id: string): SimResponse {
    const backup = state.backups.get(id);
    if (!backup) return backupNotFound(id);
    if (backup.status !== 'available' && backup.status !== 'error') {
      return cinderFault(400, 'badRequest', 'Invalid backup: Backup status must be available or error');
    }
    backup.status = 'deleting';
    backup.updated_at = cinderTime(Date.now());
    server.later(jobDurationMs, () => {
      state.backups.delete(id);
      const snapshot = backup.snapshot_id ? state.snapshots.get(backup.snapshot_id) : undefined;
      if (snapshot?.name.startsWith('autobk_')) state.snapshots.delete(snapshot.id);
    });
    return { status: 202 };
  }

  function listBackups(request: SimRequest, view: 'detail' | 'summary'): SimResponse {
    const q = request.query;
    const limit = readCount(q.get('limit'), MAX_LIST_LIMIT, 0);
    const offset = readCount(q.get('offset'), 0, 0);
    if (limit === null || offset === null) return cinderFault(400, 'badRequest', 'Invalid input received: limit and offset must be non-negative integers');
    const sortKey = (q.get('sort_key') ?? 'created_at') as keyof SimBackup;
    const sortDir = q.get('sort_dir') ?? 'desc';
    if (!['name', 'status', 'size', 'id', 'created_at', 'updated_at'].includes(sortKey) || !['asc', 'desc'].includes(sortDir)) {
      return cinderFault(400, 'badRequest', 'Invalid input received: invalid sort key or direction');
    }
    // Cinder breaks ties by id in the same direction.
    const compare = (a: SimBackup, b: SimBackup) => {
      const byKey = compareValues(a[sortKey], b[sortKey]) || compareValues(a.id, b.id);
      return sortDir === 'desc' ? -byKey : byKey;
    };
    let rows = [...state.backups.values()].filter(
      (b) =>
        (!q.has('name') || b.name === q.get('name')) &&
        (!q.has('status') || b.status === q.get('status')) &&
        (!q.has('volume_id') || b.volume_id === q.get('volume_id')),
    );
    rows.sort(compare);
    const markerId = q.get('marker');
    if (markerId !== null) {
      const marker = state.backups.get(markerId);
      if (!marker) return cinderFault(400, 'badRequest', `Marker ${markerId} could not be found.`);
      rows = rows.filter((b) => compare(b, marker) > 0);
    }
    const page = rows.slice(offset, offset + limit);
    const body: Record<string, unknown> = {
      backups: page.map((b) => (view === 'detail' ? backupJson(b, place()) : { id: b.id, name: b.name, links: links(place(), 'backups', b.id) })),
    };
    if (offset + limit < rows.length && page.length > 0) {
      body.backups_links = [{ href: `${url()}/v2/${projectId}/backups${view === 'detail' ? '/detail' : ''}?limit=${limit}&marker=${page[page.length - 1]!.id}`, rel: 'next' }];
    }
    return { status: 200, body };
  }

  function listVolumes(request: SimRequest): SimResponse {
    const q = request.query;
    let rows = [...state.volumes.values()];
    const ids = q.get('ids');
    if (ids !== null) {
      const wanted = parseIdList(ids);
      if (wanted.length > MAX_IDS) return vbsError(400, 'EVS.5400', `ids holds more than ${MAX_IDS} ids`);
      rows = rows.filter((v) => wanted.includes(v.id));
    } else if (q.has('id')) {
      rows = rows.filter((v) => v.id === q.get('id'));
    }
    rows = rows.filter((v) => (!q.has('name') || v.name === q.get('name')) && (!q.has('status') || v.status === q.get('status')));
    const page = pageSortedRows(rows, q);
    if ('code' in page) return evsListRefusal(page);
    const body: Record<string, unknown> = { volumes: page.rows.map((v) => volumeJson(v, place())), count: page.total };
    if (page.nextMarker !== null) body.volumes_links = [{ href: nextVolumesHref(q, page.nextMarker), rel: 'next' }];
    return { status: 200, body };
  }

  /** The same query with the marker moved on, so following the link keeps the order and filters. */
  function nextVolumesHref(q: URLSearchParams, marker: string): string {
    const next = new URLSearchParams(q);
    next.delete('offset');
    next.set('marker', marker);
    return `${url()}/v2/${projectId}/cloudvolumes/detail?${next}`;
  }

  function listSnapshots(request: SimRequest): SimResponse {
    const q = request.query;
    const paging = readEvsPaging(q);
    if ('code' in paging) return evsListRefusal(paging);
    const rows = [...state.snapshots.values()]
      .filter(
        (s) =>
          (!q.has('volume_id') || s.volume_id === q.get('volume_id')) &&
          (!q.has('name') || s.name === q.get('name')) &&
          (!q.has('status') || s.status === q.get('status')),
      )
      .sort(newestFirst);
    const page = rows.slice(paging.offset, paging.offset + paging.limit);
    return { status: 200, body: { snapshots: page.map((s) => snapshotListItem(s, place())), count: rows.length } };
  }

  const started = await server.listen(options.port ?? 0);
  return {
    url: started,
    server,
    state,
    iam,
    failNext: (failure) => {
      pendingFailures.push(failure);
    },
    failNextRestore: (failure) => {
      pendingRestoreFailures.push(failure);
    },
    policies,
    runSchedules,
    addVolume: (fields = {}) => {
      const volume = makeVolume(fields);
      state.volumes.set(volume.id, volume);
      return volume;
    },
    close: () => server.close(),
  };
}

function backupNotFound(id: string): SimResponse {
  return cinderFault(404, 'itemNotFound', `Backup ${id} could not be found.`);
}

function evsListRefusal(refusal: EvsListError): SimResponse {
  return vbsError(refusal.status, refusal.code, refusal.message);
}

function evsNotFound(what: string, id: string): SimResponse {
  return vbsError(404, 'EVS.5404', `${what} ${id} could not be found.`);
}

function newestFirst(a: { created_at: string; id: string }, b: { created_at: string; id: string }): number {
  return compareValues(b.created_at, a.created_at) || compareValues(b.id, a.id);
}

function isTokenValidator(value: TokenValidator | SimulatedIamOptions): value is TokenValidator {
  return typeof (value as TokenValidator).validateToken === 'function';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}
