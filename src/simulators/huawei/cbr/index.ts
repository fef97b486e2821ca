import { SimulatorServer, type SimHandler } from '../../kit/index.js';
import { gatewayError, withGatewayAuth } from '../gateway.js';
import { SimulatedIam, type SimulatedIamOptions, type TokenValidator } from '../iam.js';
import type { AccessKeyPair } from '../signature.js';
import type { CbrRouteContext } from './context.js';
import { registerBackupRoutes } from './routes-backups.js';
import { registerRestoreRoutes } from './routes-restore.js';
import { registerVaultRoutes } from './routes-vaults.js';
import { cbrError } from './shapes.js';
import { AZ, demoState, emptyState, newId, type CbrSimulatorState, type SimDisk } from './state.js';

/**
 * Huawei Cloud CBR (vaults, checkpoints, backups, restores, operation logs; huawei-cbr.md F) behind a
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
    close: () => server.close(),
  };
}

function isTokenValidator(value: TokenValidator | SimulatedIamOptions): value is TokenValidator {
  return typeof (value as TokenValidator).validateToken === 'function';
}
