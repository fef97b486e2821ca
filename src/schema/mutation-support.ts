import type { GatewayContext } from './context.js';
import { AttemptInProgress, fingerprintOf, IDEMPOTENCY_TTL_MS } from '../infrastructure/idempotency.js';
import { NotFoundError, TransportError, UpstreamError, UpstreamRejection, ValidationError, VendorError } from '../domain/errors.js';
import { localId, parseResourceId } from '../domain/ids.js';
import type { BackupProvider, EarlierAttempt, JobRecord, ResourceType, StartedJob, VendorRecord } from '../domain/provider.js';
import { requireWithinCaps, type CappedInput } from '../domain/input-caps.js';
import { findUnsafeText } from '../domain/text-hygiene.js';

/** What every vendor mutation does before and after its one vendor call. */

export interface Target {
  provider: BackupProvider;
  vendorId: string;
}

/** The provider and vendor id a global id names; `null` for ids this tenant cannot reach. */
export function findTarget(ctx: GatewayContext, globalId: string, type: ResourceType): Target | null {
  const parsed = parseResourceId(globalId);
  const provider = parsed && parsed.typename === type ? ctx.tenant.provider(parsed.providerKey) : undefined;
  if (!parsed || !provider || !provider.isValidId(type, parsed.vendorId)) return null;
  return { provider, vendorId: parsed.vendorId };
}

export function resolveTarget(ctx: GatewayContext, globalId: string, type: ResourceType): Target {
  const target = findTarget(ctx, globalId, type);
  if (!target) throw new NotFoundError(globalId, `No ${type} with id ${globalId}`);
  return target;
}

/** A second resource of the same operation must live with the first: vendors cannot cross. */
export function resolveSibling(ctx: GatewayContext, globalId: string, type: ResourceType, of: Target, field: string): string {
  const sibling = resolveTarget(ctx, globalId, type);
  if (sibling.provider !== of.provider) {
    throw new ValidationError(field, 'same-provider', `${field} must belong to provider ${of.provider.name}`);
  }
  return sibling.vendorId;
}

/** Port methods that start a vendor job: the operations a mutation can forward. */
export type JobOperation = {
  [K in keyof BackupProvider]-?: NonNullable<BackupProvider[K]> extends (...args: never[]) => Promise<StartedJob> ? K : never;
}[keyof BackupProvider];

export function requireOperation<K extends JobOperation>(provider: BackupProvider, operation: K, field: string): NonNullable<BackupProvider[K]> {
  const method = provider[operation];
  if (!method) {
    throw new ValidationError(field, 'unsupported-by-provider', `${provider.name} (${provider.kind}) does not support ${operation}`);
  }
  return (method as (...args: unknown[]) => unknown).bind(provider) as NonNullable<BackupProvider[K]>;
}

export interface StartOptions {
  /**
   * Checks that need the vendor's current state (a read or two). They run inside the idempotency
   * scope: a repeat of a request that already started gets its Job without being checked again
   * (the backup it restores may no longer be AVAILABLE by then).
   */
  before?: () => Promise<void>;
  /**
   * For operations that must never run twice by accident (restores overwrite live data): an attempt
   * whose outcome is unknown (the vendor did not answer) is remembered under its key like a result,
   * so a repeat with that key is refused instead of sent again.
   */
  atMostOnce?: boolean;
}

type Attempt = { started: StartedJob } | { unanswered: { timedOut: boolean } };

/**
 * Starts the vendor job and hands it to the tracker, once the request is within the input caps
 * (domain/input-caps.ts) and no string of it holds an invisible, control or direction character
 * (domain/text-hygiene.ts); a vendor that cannot be reached is a VendorError
 * too. With an idempotency key the start runs once per key (see core/idempotency.ts): the gateway
 * keeps that promise for every vendor, ZStack included, whose own job-uuid idempotency then covers
 * what outlives the gateway's records.
 */
export async function startJob<R extends object>(
  ctx: GatewayContext,
  provider: BackupProvider,
  operation: string,
  request: R,
  run: (request: R) => Promise<StartedJob>,
  options: StartOptions = {},
): Promise<JobRecord> {
  requireWithinCaps(request as CappedInput);
  const unsafe = findUnsafeText(request);
  if (unsafe) {
    throw new ValidationError(unsafe.field, 'no-control-characters', `${unsafe.field} holds ${unsafe.character}, an invisible, control or text-direction character`);
  }
  const attempt = async (earlier: EarlierAttempt | null): Promise<Attempt> => {
    // An earlier attempt cut off by a dead gateway may have started the operation: one that must
    // never run twice is not sent again; the others are, told of it (see EarlierAttempt).
    if (earlier && options.atMostOnce) return { unanswered: { timedOut: false } };
    await options.before?.();
    try {
      return { started: await run(earlier ? { ...request, earlierAttempt: earlier } : request) };
    } catch (error) {
      if (options.atMostOnce && error instanceof TransportError && error.maybeSent) return { unanswered: { timedOut: error.timedOut } };
      // After an earlier attempt, "nothing was sent" is only true of this one: the retry must keep the key.
      throw asVendorError(provider, error, earlier ? 'retry with the same idempotencyKey' : 'a retry is safe');
    }
  };
  const key = (request as { idempotencyKey?: string | null }).idempotencyKey;
  if (!key) await ctx.idempotency.ensureAvailable?.();
  const outcome = key ? await startOnce(ctx, provider, `${provider.key}:${operation}:${key}`, fingerprintOf(request), attempt) : await attempt(null);
  if ('unanswered' in outcome) {
    throw new VendorError(
      provider.key,
      outcome.unanswered.timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
      null,
      `${provider.name} did not answer, so ${operation} may have started upstream; it is not sent again: check the target, then use a new idempotencyKey`,
    );
  }
  return ctx.jobs.track(provider, outcome.started);
}

/** The attempt once per key; a first attempt still running as this request's deadline nears is a coded answer: retry with the key. */
async function startOnce(ctx: GatewayContext, provider: BackupProvider, key: string, fingerprint: string, attempt: (earlier: EarlierAttempt | null) => Promise<Attempt>) {
  try {
    return await ctx.idempotency.once(key, fingerprint, IDEMPOTENCY_TTL_MS, attempt);
  } catch (error) {
    if (!(error instanceof AttemptInProgress)) throw error;
    throw new VendorError(
      provider.key,
      'ATTEMPT_IN_PROGRESS',
      null,
      `The first request with this idempotencyKey is still running on ${provider.name}; retry with the same idempotencyKey to get its result (nothing is sent twice)`,
    );
  }
}

/**
 * A vendor call that failed, as the client sees it: a refusal before sending or an upstream that did
 * not answer becomes a VendorError saying whether a retry is safe; anything else stays as it is.
 * The upstream layer has logged the failure already (one warn line, no stack).
 */
export function asVendorError(provider: BackupProvider, error: unknown, safeRetry = 'a retry is safe'): unknown {
  if (error instanceof UpstreamRejection) {
    return new VendorError(provider.key, error.code, null, `${provider.name}: ${error.message}; nothing was sent, so ${safeRetry}`);
  }
  if (!(error instanceof TransportError)) return error;
  const outcome = error.maybeSent
    ? 'the operation may have started upstream, so retry with the same idempotencyKey'
    : `nothing reached it, so ${safeRetry}`;
  return new VendorError(provider.key, error.timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE', null, `${provider.name} did not answer; ${outcome}`);
}

/** The local id of what a job makes, when it is of `type` and already known. */
export function resourceKey(job: { providerKey: string; resource: { type: string; vendorId: string } | null }, type: string): string | null {
  return job.resource?.type === type ? localId(job.providerKey, job.resource.vendorId) : null;
}

/**
 * The record a mutation acts on, which must exist: the DataLoader looks it up first (batched with
 * anything else the request reads), so a missing one is the same NotFoundError on every vendor and
 * nothing is sent to change it. A vendor that cannot answer the lookup is a VendorError.
 */
export interface ExistenceCheck<T extends VendorRecord = VendorRecord> {
  name: string;
  getDataloader(ctx: GatewayContext): { load(key: string): Promise<T | null> };
}

export async function requireRecord<T extends VendorRecord>(ctx: GatewayContext, ref: ExistenceCheck<T>, globalId: string, target: Target): Promise<T> {
  let record: T | null;
  try {
    record = await ref.getDataloader(ctx).load(localId(target.provider.key, target.vendorId));
  } catch (error) {
    if (error instanceof UpstreamError) throw new VendorError(target.provider.key, error.vendorCode ?? error.code, null, error.message);
    throw error;
  }
  if (!record) throw new NotFoundError(globalId, `No ${ref.name} with id ${globalId}`);
  return record;
}

export async function requireExisting(ctx: GatewayContext, ref: ExistenceCheck, globalId: string, target: Target): Promise<void> {
  await requireRecord(ctx, ref, globalId, target);
}
