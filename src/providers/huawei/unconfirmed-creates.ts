import { TransportError, VendorError } from '../../domain/errors.js';
import type { BackupRecord, EarlierAttempt, JobOperation, JobRecord, JobState, StartedJob } from '../../domain/provider.js';

/**
 * Huawei creates (VBS and TaurusDB backups) take no client token, so the vendor cannot tell a resent
 * create from a new one: a create whose outcome is unknown is never simply sent again. It is unknown
 * when the answer was lost after the request may have been read (dropped connection, timeout, a body
 * that is not the vendor's), and when an earlier attempt with the same idempotencyKey was cut off by
 * a gateway that died mid-call. Then the adapter asks the vendor for the backup that create would
 * have made (same source, same name, created since just before the send), and the mutation answers
 * with a `lookup:<...>` job that goes on asking:
 * - found: the job follows that backup;
 * - still absent when the lookup window (`upstream.lostCreateGraceMs`) has passed: the create never
 *   arrived, so it is sent once more under the same name (the job id holds it) and the job follows
 *   what that makes; it is never sent a third time;
 * - UNKNOWN only when nothing can be proved: the vendor could not be asked for a whole window, or
 *   the second send's backup never appeared either.
 * The mutation returns the job at once, so the idempotency record holds it and a client retrying
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

/**
 * What a `lookup:` job id holds: the lookup, when it began, and the vendor body to send once more
 * (`null` in the lookup jobs of gateways before the resend: they are never sent again).
 */
export interface LookupJob extends CreateLookup {
  startedMs: number;
  body: Record<string, unknown> | null;
}

export type FindCreated = (lookup: CreateLookup) => Promise<BackupRecord | null>;

export interface UnconfirmedCreate<Body extends Record<string, unknown>> {
  operation: JobOperation;
  sourceId: string;
  name: string;
  /** The vendor request body: sent, and kept in the lookup job to be sent once more. */
  body: Body;
  earlierAttempt: EarlierAttempt | null | undefined;
  send(body: Body): Promise<StartedJob>;
  find: FindCreated;
}

const PREFIX = 'lookup:';
/** Vendor clocks may lag the gateway's by this much. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Sends a create once; an unknown outcome becomes a lookup job (see above), never a blind second send. */
export async function createOnce<Body extends Record<string, unknown>>(create: UnconfirmedCreate<Body>): Promise<StartedJob> {
  const { operation, sourceId, name, body, earlierAttempt } = create;
  if (!earlierAttempt) {
    const sentAtMs = Date.now();
    try {
      return await create.send(body);
    } catch (error) {
      if (!(error instanceof TransportError) || !error.maybeSent) throw error;
    }
    return lookUpLostCreate({ operation, sourceId, name, body, find: create.find }, sentAtMs);
  }
  return lookUpLostCreate({ operation, sourceId, name, body, find: create.find }, earlierAttempt.startedAtMs);
}

/** A create sent at `sentAtMs` whose outcome is unknown, as the lookup job described above. */
export function lookUpLostCreate(create: Omit<UnconfirmedCreate<Record<string, unknown>>, 'send' | 'earlierAttempt'>, sentAtMs: number): Promise<StartedJob> {
  const { operation, sourceId, name, body } = create;
  return startLookup(operation, { sourceId, name, sinceMs: sentAtMs - CLOCK_SKEW_MS, startedMs: Date.now(), body }, create.find);
}

async function startLookup(operation: JobOperation, lookup: LookupJob, find: FindCreated): Promise<StartedJob> {
  const found = await find(lookup).catch(() => null);
  return {
    vendorJobId: PREFIX + Buffer.from(JSON.stringify(lookup)).toString('base64url'),
    operation,
    resource: found ? { type: 'Backup', vendorId: found.vendorId } : null,
  };
}

/** The lookup a `lookup:` job id holds; `null` for any other job id (or a forged one). */
export function lookupOf(vendorJobId: string): LookupJob | null {
  if (!vendorJobId.startsWith(PREFIX)) return null;
  try {
    const value = JSON.parse(Buffer.from(vendorJobId.slice(PREFIX.length), 'base64url').toString('utf8')) as Record<string, unknown>;
    const { sourceId, name, sinceMs, startedMs, body } = value;
    if (typeof sourceId !== 'string' || typeof name !== 'string' || typeof sinceMs !== 'number' || typeof startedMs !== 'number') return null;
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) return null;
    return { sourceId, name, sinceMs, startedMs, body: (body as Record<string, unknown> | undefined) ?? null };
  } catch {
    return null;
  }
}

const RUNNING: JobState = { status: 'RUNNING', progress: null, error: null, resource: null };

function unknown(message: string): JobState {
  return { status: 'UNKNOWN', progress: null, error: { code: 'OUTCOME_UNKNOWN', message, vendorCode: null }, resource: null };
}

/**
 * Where a `lookup:` job stands: the found backup's progress; or still looking; or, once a window has
 * proved the create absent, sent once more (`resent`); or UNKNOWN (see above).
 */
export async function pollLookup(
  job: Pick<JobRecord, 'resent'>,
  lookup: LookupJob,
  vendor: { find: FindCreated; resend: (body: Record<string, unknown>) => Promise<unknown> },
  windowMs: number,
): Promise<JobState> {
  const elapsed = Date.now() - lookup.startedMs;
  let found: BackupRecord | null;
  try {
    found = await vendor.find(lookup);
  } catch (error) {
    // The first window has passed and the whole next one brought no answer either.
    if (elapsed >= 2 * windowMs) return unknown(`${lookup.name}: the vendor could not be asked whether the backup was made; it was not sent again`);
    throw error;
  }
  if (found) return followed(found, job.resent);
  if (job.resent) {
    if (elapsed < 2 * windowMs) return { ...RUNNING, resent: true };
    return unknown(`${lookup.name} was sent again after lookups proved the first create absent, and no backup has appeared`);
  }
  if (elapsed < windowMs) return RUNNING;
  if (!lookup.body) return unknown(`The answer to creating backup ${lookup.name} was lost and no such backup has appeared; it was not sent again`);
  try {
    await vendor.resend(lookup.body);
  } catch (error) {
    if (error instanceof VendorError) {
      return { status: 'FAILED', progress: null, error: { code: 'VENDOR_ERROR', message: error.message, vendorCode: error.vendorCode }, resource: null };
    }
    if (!(error instanceof TransportError)) throw error;
    // Certainly not sent (refused, circuit open): the next poll tries again.
    if (!error.maybeSent) return RUNNING;
  }
  return { ...RUNNING, resent: true };
}

function followed(found: BackupRecord, resent: true | undefined): JobState {
  const resource = { type: 'Backup' as const, vendorId: found.vendorId };
  const marker = resent ? { resent } : {};
  if (found.status === 'AVAILABLE') return { status: 'SUCCEEDED', progress: 100, error: null, resource, ...marker };
  if (found.status === 'FAILED') {
    return { status: 'FAILED', progress: null, error: { code: 'VENDOR_ERROR', message: found.failureReason ?? 'The backup failed', vendorCode: null }, resource, ...marker };
  }
  return { status: 'RUNNING', progress: null, error: null, resource, ...marker };
}

/** Whether a backup is what a lost create of `lookup` would have made. */
export function madeBy(record: BackupRecord, lookup: CreateLookup): boolean {
  return (
    record.name === lookup.name &&
    record.source?.vendorId === lookup.sourceId &&
    (record.createdAt === null || Date.parse(record.createdAt) >= lookup.sinceMs)
  );
}
