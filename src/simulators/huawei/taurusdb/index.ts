import type { HTTPMethod } from 'find-my-way';
import { SimulatorServer, type SimHandler } from '../../kit/index.js';
import { gatewayError, withGatewayAuth, type AccessKeyPair, type TokenValidator } from '../index.js';
import { TaurusDbRestore } from './restore.js';
import { runDueSchedules, TaurusDbPolicyRoutes } from './policy.js';
import { dbsError, TaurusDbRoutes } from './routes.js';
import { TaurusDbShapes } from './shapes.js';
import { TaurusDbState, type SeedName } from './state.js';

export { TaurusDbState, type SeedName, type SimBackup, type SimInstance, type SimJob } from './state.js';

/**
 * A simulated GaussDB(for MySQL) / TaurusDB endpoint: the API gateway's signature and token checks
 * in front of the /v3/{project_id} backup, instance and task APIs (huawei.md B, C).
 */

export interface TaurusDbSimulatorOptions {
  projectId: string;
  /** The AK/SK pair(s) the gateway accepts. */
  credentials: AccessKeyPair | AccessKeyPair[];
  /** Accepts IAM tokens (X-Auth-Token) validated here, e.g. a SimulatedIam. */
  tokenValidator?: TokenValidator;
  /** How long a backup task takes from creation to Completed/Failed; default 2 s. */
  jobDurationMs?: number;
  seed?: SeedName;
  /** The service's clock (epoch ms): a test moves it to pass scheduled runs; the process clock by default. */
  now?: () => number;
  /** How often scheduled runs are looked for on the real clock; default 30 s. */
  scheduleCheckMs?: number;
  /** Minutes east of UTC the service writes its times in; default +0800, as in cn-north-4. */
  utcOffsetMinutes?: number;
  port?: number;
}

export interface TaurusDbSimulator {
  url: string;
  server: SimulatorServer;
  state: TaurusDbState;
  /** The next `count` backup tasks end Failed, and their backups FAILED. */
  failNext(count?: number, reason?: string): void;
  /** Makes the automated backups whose windows started since the last look (on the service's clock). */
  runSchedules(): number;
  /** The next restore task ends Failed with this reason. */
  failNextRestore(reason: string): void;
  close(): Promise<void>;
}

const DEFAULT_JOB_DURATION_MS = 2_000;
const DEFAULT_SCHEDULE_CHECK_MS = 30_000;
const BEIJING_UTC_OFFSET_MINUTES = 8 * 60;

export async function startTaurusDbSimulator(options: TaurusDbSimulatorOptions): Promise<TaurusDbSimulator> {
  const server = new SimulatorServer({
    name: 'huawei-taurusdb',
    notFound: () => gatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment'),
  });
  const state = new TaurusDbState(options.seed ?? 'demo', options.jobDurationMs ?? DEFAULT_JOB_DURATION_MS, {
    later: (ms, fn) => server.later(ms, fn),
    now: options.now ?? Date.now,
  });
  const shapes = new TaurusDbShapes(state, options.projectId, options.utcOffsetMinutes ?? BEIJING_UTC_OFFSET_MINUTES);
  const routes = new TaurusDbRoutes(state, shapes);
  const gateway = {
    credentials: [options.credentials].flat(),
    ...(options.tokenValidator ? { tokens: options.tokenValidator } : {}),
    projectId: options.projectId,
    projectMismatch: (message: string) => dbsError(403, 'DBS.200044', `Resource not found or permission denied. ${message}`),
  };
  const route = (method: HTTPMethod, path: string, handler: SimHandler) => server.route(method, path, withGatewayAuth(gateway, handler));

  route('GET', '/v3/:project_id/instances', routes.listInstances);
  route('GET', '/v3/:project_id/instances/:instance_id', routes.getInstance);
  route('POST', '/v3/:project_id/backups/create', (request) => {
    const response = routes.createBackup(request);
    // B.1: a created backup answers 201.
    if (response.status === 201) server.recordCreation('backup', (response.body as { backup: { name: string } }).backup.name);
    return response;
  });
  route('GET', '/v3/:project_id/backups', routes.listBackups);
  route('DELETE', '/v3/:project_id/backups/:backup_id', routes.deleteBackup);
  route('GET', '/v3/:project_id/jobs', routes.getJob);
  const policy = new TaurusDbPolicyRoutes(state);
  route('GET', '/v3/:project_id/instances/:instance_id/backups/policy', policy.show);
  route('PUT', '/v3/:project_id/instances/:instance_id/backups/policy/update', policy.update);
  const recovery = new TaurusDbRestore(state);
  route('POST', '/v3/:project_id/instances/restore', recovery.restore);
  route('GET', '/v3/:project_id/instances/:instance_id/restore-time', recovery.restoreTime);
  let scheduledUpTo = state.scheduler.now();
  const runSchedules = () => {
    const now = state.scheduler.now();
    const made = runDueSchedules(state, scheduledUpTo, now);
    scheduledUpTo = Math.max(scheduledUpTo, now);
    return made;
  };
  const checkSchedules = () => {
    runSchedules();
    server.later(options.scheduleCheckMs ?? DEFAULT_SCHEDULE_CHECK_MS, checkSchedules);
  };
  server.later(options.scheduleCheckMs ?? DEFAULT_SCHEDULE_CHECK_MS, checkSchedules);
  server.onReset(() => {
    state.reset();
    recovery.reset();
    scheduledUpTo = state.scheduler.now();
  });

  const url = await server.listen(options.port ?? 0);
  return {
    url,
    server,
    state,
    failNext: (count, reason) => state.failNext(count, reason),
    runSchedules,
    failNextRestore: (reason) => recovery.failNext(reason),
    close: () => server.close(),
  };
}
