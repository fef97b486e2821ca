import { SimulatorServer, type SimHandler } from '../../kit/index.js';
import { gatewayError, withGatewayAuth } from '../gateway.js';
import { SimulatedIam, type SimulatedIamOptions, type TokenValidator } from '../iam.js';
import type { AccessKeyPair } from '../signature.js';
import type { CbrRouteContext } from './context.js';
import { registerBackupRoutes } from './routes-backups.js';
import { runDuePolicies } from './policy-runs.js';
import { registerPolicyRoutes } from './routes-policies.js';
import { registerRestoreRoutes } from './routes-restore.js';
import { registerVaultRoutes } from './routes-vaults.js';
import { cbrError } from './shapes.js';
import { AZ, demoState, emptyState, newId, type CbrSimulatorState, type SimDisk } from './state.js';

/** How often the simulator looks for policy runs that are due. */
const SCHEDULE_CHECK_MS = 30_000;

/**
 * Huawei Cloud CBR (vaults, checkpoints, backups, restores, operation logs, policies; huawei-cbr.md F) behind a
 * simulated API Gateway (AK/SK signature or IAM token), on one port.
 */

export interface CbrSimulatorOptions {
  projectId: string;
  credentials: AccessKeyPair[];
  /** Accept IAM tokens: an existing IAM's validator, or users for an IAM served on this port. */
  iam?: TokenValidator | SimulatedIamOptions;
  /** How long a backup, delete, restore or resource removal takes; default 2 s. */
  jobDurationMs?: number;
  seed?: 'demo' | 'empty';
  /** The service's clock for scheduled policy runs (epoch ms); the process clock by default. */
  now?: () => number;
  port?: number;
}

export interface CbrSimulator {
  url: string;
  server: SimulatorServer;
  state: CbrSimulatorState;
  iam: SimulatedIam | null;
  /** Makes the next checkpoint's backups end in `error` with this BackupService code (e.g. '6125'). */
  failNextBackup(failure: { code: string; message: string }): void;
  addDisk(fields?: Partial<SimDisk>): SimDisk;
  /** Makes the policy runs whose minute passed since the last look (on the service's clock); the checkpoints made. */
  runSchedules(): number;
  /**
   * The demo's policy: the disk vault backed up every day at 18:00 UTC (02:00 at UTC+08:00), keeping
   * seven and four weekly, with the run before `now` already made.
   */
  seedDemoPolicy(now: number): void;
  close(): Promise<void>;
}

export async function startCbrSimulator(options: CbrSimulatorOptions): Promise<CbrSimulator> {
  const { projectId } = options;
  const seed = () => (options.seed === 'empty' ? emptyState() : demoState());
  const state = seed();
  const backupFailures: { code: string; message: string }[] = [];
  const server = new SimulatorServer({
    name: 'huawei-cbr',
    notFound: () => gatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment'),
  });
  server.onReset(() => {
    Object.assign(state, seed());
    backupFailures.length = 0;
  });

  const iam = options.iam && !isTokenValidator(options.iam) ? new SimulatedIam(options.iam) : null;
  if (iam) iam.mount(server);
  const tokens = iam ?? (options.iam as TokenValidator | undefined);
  const authed = (handler: SimHandler): SimHandler =>
    withGatewayAuth(
      { credentials: options.credentials, ...(tokens ? { tokens } : {}), projectId, projectMismatch: (message) => cbrError(400, '9998', message) },
      handler,
    );
  const ctx: CbrRouteContext = { server, state, projectId, authed, jobDurationMs: options.jobDurationMs ?? 2_000, backupFailures };
  registerVaultRoutes(ctx);
  registerBackupRoutes(ctx);
  registerRestoreRoutes(ctx);
  const now = options.now ?? Date.now;
  registerPolicyRoutes(ctx, now);
  let scheduledUpTo = now();
  const runSchedules = () => runDuePolicies(ctx, scheduledUpTo, (scheduledUpTo = Math.max(scheduledUpTo, now())));
  const checkSchedules = () => (runSchedules(), server.later(SCHEDULE_CHECK_MS, checkSchedules));
  server.later(SCHEDULE_CHECK_MS, checkSchedules);
  // reset() clears the server's timers: the schedule check starts again with the reset state.
  server.onReset(() => {
    scheduledUpTo = now();
    server.later(SCHEDULE_CHECK_MS, checkSchedules);
  });

  const url = await server.listen(options.port ?? 0);
  return {
    url,
    server,
    state,
    iam,
    failNextBackup: (failure) => {
      backupFailures.push(failure);
    },
    addDisk: (fields = {}) => {
      const id = fields.id ?? newId();
      const disk: SimDisk = { id, name: `disk-${id.slice(0, 4)}`, size: 40, status: 'available', serverId: null, availability_zone: AZ, ...fields };
      state.disks.set(disk.id, disk);
      return disk;
    },
    runSchedules,
    seedDemoPolicy: (at) => {
      const vault = [...state.vaults.values()].find((v) => v.name === 'vault-disks');
      if (!vault) return;
      const lastRun = Math.floor((at - 18 * 3_600_000) / 86_400_000) * 86_400_000 + 18 * 3_600_000;
      const id = newId();
      state.policies.set(id, {
        id,
        name: 'vault-disks-nightly',
        enabled: true,
        operation_type: 'backup',
        pattern: ['FREQ=DAILY;INTERVAL=1;BYHOUR=18;BYMINUTE=0'],
        triggerId: newId(),
        startMs: lastRun - 86_400_000,
        operation_definition: { max_backups: 7, week_backups: 4, timezone: 'UTC+08:00' },
        vaultIds: [vault.id],
      });
      runDuePolicies(ctx, lastRun - 1, lastRun, true);
    },
    close: () => server.close(),
  };
}

function isTokenValidator(value: TokenValidator | SimulatedIamOptions): value is TokenValidator {
  return typeof (value as TokenValidator).validateToken === 'function';
}
