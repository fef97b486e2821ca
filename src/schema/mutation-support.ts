import type { GatewayContext } from '../context.js';
import { fingerprintOf, IDEMPOTENCY_TTL_MS } from '../core/idempotency.js';
import { NotFoundError, TransportError, UpstreamError, UpstreamRejection, ValidationError, VendorError } from '../core/errors.js';
import { localId, parseResourceId } from '../core/ids.js';
import { builder } from './builder.js';
import { JobRef, type VendorNodeRef } from './refs.js';
import type { BackupProvider, JobRecord, ResourceType, StartedJob, VendorRecord } from '../providers/provider.js';

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

type Operation = {
  [K in keyof BackupProvider]-?: NonNullable<BackupProvider[K]> extends (...args: never[]) => Promise<StartedJob> ? K : never;
}[keyof BackupProvider];

export function requireOperation<K extends Operation>(provider: BackupProvider, operation: K, field: string): NonNullable<BackupProvider[K]> {
  const method = provider[operation];
  if (!method) {
    throw new ValidationError(field, 'unsupported-by-provider', `${provider.name} (${provider.kind}) does not support ${operation}`);
  }
  return (method as (...args: unknown[]) => unknown).bind(provider) as NonNullable<BackupProvider[K]>;
}

/**
 * Starts the vendor job and hands it to the tracker; a vendor that cannot be reached is a VendorError
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
): Promise<JobRecord> {
  let started: StartedJob;
  try {
    const key = (request as { idempotencyKey?: string | null }).idempotencyKey;
    started = key
      ? await ctx.idempotency.once(`${provider.key}:${operation}:${key}`, fingerprintOf(request), IDEMPOTENCY_TTL_MS, () => run(request))
      : await run(request);
  } catch (error) {
    // The upstream layer has logged the failure already (one warn line, no stack).
    if (error instanceof UpstreamRejection) {
      throw new VendorError(provider.key, error.code, null, `${provider.name}: ${error.message}; nothing was sent, so a retry is safe`);
    }
    if (error instanceof TransportError) {
      const outcome = error.maybeSent
        ? 'the operation may have started upstream, so retry with the same idempotencyKey'
        : 'nothing reached it, so a retry is safe';
      throw new VendorError(provider.key, error.timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE', null, `${provider.name} did not answer; ${outcome}`);
    }
    throw error;
  }
  return ctx.jobs.track(provider, started);
}

/** The success type of mutations whose only result is the job they started. */
export function jobOnlySuccess(name: string) {
  return builder.simpleObject(name, { fields: (t) => ({ job: t.field({ type: JobRef, nullable: false }) }) });
}

/** The local id of what a job makes, when it is of `type` and already known. */
export function resourceKey(job: { providerKey: string; resource: { type: string; vendorId: string } | null }, type: string): string | null {
  return job.resource?.type === type ? localId(job.providerKey, job.resource.vendorId) : null;
}

/**
 * Deletes name something that must exist: the DataLoader looks it up first (batched with anything
 * else the request reads), so a missing one is the same NotFoundError on every vendor and nothing
 * is sent to delete it. A vendor that cannot answer the lookup is a VendorError.
 */
export async function requireExisting<T extends VendorRecord>(ctx: GatewayContext, ref: VendorNodeRef<T>, globalId: string, target: Target): Promise<void> {
  let record: T | null;
  try {
    record = await ref.getDataloader(ctx).load(localId(target.provider.key, target.vendorId));
  } catch (error) {
    if (error instanceof UpstreamError) throw new VendorError(target.provider.key, error.vendorCode ?? error.code, null, error.message);
    throw error;
  }
  if (!record) throw new NotFoundError(globalId, `No ${ref.name} with id ${globalId}`);
}
