import { TransportError } from '../../domain/errors.js';
import type { BackupRecord, JobOperation, JobState, StartedJob } from '../../domain/provider.js';

/**
 * Huawei creates (VBS and TaurusDB backups) take no client token, so the vendor cannot tell a resent
 * create from a new one: they are sent once, never again. When the answer is lost after the request
 * may have been read (dropped connection, timeout, a body that is not the vendor's), the adapter
 * looks for the backup the create would have made (same source, same name, created since just before
 * the send) instead of guessing:
 * - found: the job follows that backup;
 * - not found: the job is `lookup:<...>`, which every poll looks for again, and which ends UNKNOWN
 *   when nothing has appeared within the grace (`upstream.lostCreateGraceMs`).
 * Either way the mutation returns a job, so the idempotency record holds it and a client retrying
 * with the same key gets that job instead of a second create. A call that certainly never reached
 * the vendor (refused connection, open circuit, full queue) fails as before: retrying it is safe.
 */

export interface CreateLookup {
  /** The volume or database instance backed up. */
  sourceId: string;
  name: string;
  /** Epoch ms just before the create was sent, less the clock skew allowed for. */
  sinceMs: number;
}

export type FindCreated = (lookup: CreateLookup) => Promise<BackupRecord | null>;

const PREFIX = 'lookup:';
/** Vendor clocks may lag the gateway's by this much. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Sends a create once; a lost answer becomes a lookup (see above), never a second send. */
export async function createOnce(
  operation: JobOperation,
  target: Omit<CreateLookup, 'sinceMs'>,
  send: () => Promise<StartedJob>,
  find: FindCreated,
): Promise<StartedJob> {
  const lookup: CreateLookup = { ...target, sinceMs: Date.now() - CLOCK_SKEW_MS };
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof TransportError) || !error.maybeSent) throw error;
  }
  const found = await find(lookup).catch(() => null);
  return {
    vendorJobId: PREFIX + Buffer.from(JSON.stringify({ ...lookup, startedMs: Date.now() })).toString('base64url'),
    operation,
    resource: found ? { type: 'Backup', vendorId: found.vendorId } : null,
  };
}

/** The lookup a `lookup:` job id holds; `null` for any other job id (or a forged one). */
export function lookupOf(vendorJobId: string): (CreateLookup & { startedMs: number }) | null {
  if (!vendorJobId.startsWith(PREFIX)) return null;
  try {
    const value = JSON.parse(Buffer.from(vendorJobId.slice(PREFIX.length), 'base64url').toString('utf8')) as Record<string, unknown>;
    const { sourceId, name, sinceMs, startedMs } = value;
    if (typeof sourceId !== 'string' || typeof name !== 'string' || typeof sinceMs !== 'number' || typeof startedMs !== 'number') return null;
    return { sourceId, name, sinceMs, startedMs };
  } catch {
    return null;
  }
}

/** Where a `lookup:` job stands: the found backup's progress, or still looking, or UNKNOWN after the grace. */
export async function pollLookup(lookup: CreateLookup & { startedMs: number }, find: FindCreated, graceMs: number): Promise<JobState> {
  const found = await find(lookup);
  if (!found) {
    if (Date.now() - lookup.startedMs < graceMs) return { status: 'RUNNING', progress: null, error: null, resource: null };
    return {
      status: 'UNKNOWN',
      progress: null,
      error: {
        code: 'OUTCOME_UNKNOWN',
        message: `The answer to creating backup ${lookup.name} was lost and no such backup has appeared; it was not sent again`,
        vendorCode: null,
      },
      resource: null,
    };
  }
  const resource = { type: 'Backup' as const, vendorId: found.vendorId };
  if (found.status === 'AVAILABLE') return { status: 'SUCCEEDED', progress: 100, error: null, resource };
  if (found.status === 'FAILED') {
    return { status: 'FAILED', progress: null, error: { code: 'VENDOR_ERROR', message: found.failureReason ?? 'The backup failed', vendorCode: null }, resource };
  }
  return { status: 'RUNNING', progress: null, error: null, resource };
}

/** Whether a backup is what a lost create of `lookup` would have made. */
export function madeBy(record: BackupRecord, lookup: CreateLookup): boolean {
  return (
    record.name === lookup.name &&
    record.source?.vendorId === lookup.sourceId &&
    (record.createdAt === null || Date.parse(record.createdAt) >= lookup.sinceMs)
  );
}
