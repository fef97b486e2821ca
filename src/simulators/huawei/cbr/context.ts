import type { SimHandler, SimRequest, SimulatorServer } from '../../kit/index.js';
import { cbrError } from './shapes.js';
import { newId, PROVIDER_ID, type CbrSimulatorState, type SimOperationLog, type SimVault } from './state.js';

/** What every group of CBR routes shares. */
export interface CbrRouteContext {
  server: SimulatorServer;
  state: CbrSimulatorState;
  projectId: string;
  authed: (handler: SimHandler) => SimHandler;
  /** How long a backup, delete, restore or removal takes. */
  jobDurationMs: number;
  /** Failures the next backups end in, in order. */
  backupFailures: { code: string; message: string }[];
}

/** The JSON body, or the 400 `.9900` CBR answers for one that is not JSON. */
export function readBody(request: SimRequest): unknown {
  try {
    return request.json();
  } catch {
    return cbrError(400, '9900', 'Invalid request body');
  }
}

/** The `{"<key>": {...}}` body, or the 400 `.9900` CBR answers for anything else (F.1). */
export function readWrapped(request: SimRequest, key: string, allowed: readonly string[]): Record<string, unknown> | ReturnType<typeof cbrError> {
  const body = readBody(request);
  if (isRefusal(body)) return body;
  const inner = isRecord(body) ? body[key] : undefined;
  if (!isRecord(inner)) return cbrError(400, '9900', `${key} is required`);
  const unknown = Object.keys(inner).find((k) => !allowed.includes(k));
  // F.1: unknown body keys are rejected ("invalid key ...").
  if (unknown !== undefined) return cbrError(400, '9900', `invalid key ${unknown}`);
  return inner;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isRefusal(value: unknown): value is ReturnType<typeof cbrError> {
  return isRecord(value) && typeof value.status === 'number' && 'body' in value && isRecord(value.body) && 'error_code' in value.body;
}

/** A running operation log (F.4), the only trace of progress CBR gives. */
export function startLog(ctx: CbrRouteContext, fields: Pick<SimOperationLog, 'operation_type' | 'checkpoint_id' | 'resource'> & Partial<SimOperationLog>, vault: SimVault): SimOperationLog {
  const log: SimOperationLog = {
    id: newId(),
    status: 'running',
    vault_id: vault.id,
    vault_name: vault.name,
    provider_id: PROVIDER_ID[vault.object_type],
    createdMs: Date.now(),
    endedMs: null,
    error_info: null,
    progress: 0,
    backup: null,
    restore: null,
    ...fields,
  };
  ctx.state.operationLogs.set(log.id, log);
  return log;
}

export function endLog(log: SimOperationLog, failure: { code: string; message: string } | null): void {
  log.endedMs = Date.now();
  log.status = failure ? 'failed' : 'success';
  log.progress = failure ? log.progress : 100;
  log.error_info = failure;
}

/** Reads a `limit`/`offset` pair; `null` when either is not a whole number in range. */
export function readPaging(q: URLSearchParams, maxLimit: number): { limit: number; offset: number } | null {
  const limit = q.has('limit') ? Number(q.get('limit')) : maxLimit;
  const offset = q.has('offset') ? Number(q.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit || !Number.isInteger(offset) || offset < 0) return null;
  return { limit, offset };
}
