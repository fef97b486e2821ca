import type { ContextCache } from '@pothos/core';
import type DataLoader from 'dataloader';
import { GraphQLError, Kind, responsePathAsArray, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import type { GatewayContext } from './context.js';
import { toUpstreamError } from '../domain/errors.js';
import type { ProviderFailureHandler } from '../domain/paging.js';
import { localId, splitLocalId } from '../domain/ids.js';
import type { BackupProvider, ResourceType, VendorRecord } from '../domain/provider.js';

/**
 * The DataLoader batch function behind every loadable node: keys are local ids
 * (`tenant/provider:vendorId`), grouped by provider so each provider gets one batch call for the
 * whole request tick. Keys this tenant cannot reach, and vendor ids of the wrong format, resolve to
 * null without any upstream call; a provider that fails turns only its own keys into errors.
 */
export async function loadByLocalIds<T extends VendorRecord>(
  ctx: GatewayContext,
  localIds: readonly string[],
  type: ResourceType,
  fetch: (provider: BackupProvider) => ((ids: readonly string[]) => Promise<(T | null)[]>) | undefined,
): Promise<(T | Error | null)[]> {
  const results: (T | Error | null)[] = localIds.map(() => null);
  const batches = new Map<BackupProvider, { vendorIds: string[]; positions: number[] }>();

  localIds.forEach((localId, position) => {
    const parsed = splitLocalId(localId);
    const provider = parsed && ctx.tenant.provider(parsed.providerKey);
    if (!parsed || !provider || !provider.isValidId(type, parsed.vendorId)) return;
    let batch = batches.get(provider);
    if (!batch) batches.set(provider, (batch = { vendorIds: [], positions: [] }));
    batch.vendorIds.push(parsed.vendorId);
    batch.positions.push(position);
  });

  await Promise.all(
    [...batches].map(async ([provider, batch]) => {
      const get = fetch(provider)?.bind(provider);
      if (!get) return;
      try {
        const records = await get(batch.vendorIds);
        batch.positions.forEach((position, index) => (results[position] = records[index] ?? null));
      } catch (error) {
        const failure = toUpstreamError(provider.name, error);
        for (const position of batch.positions) results[position] = failure;
      }
    }),
  );
  return results;
}

/**
 * A node's per-request loader getter whose loader answers a key it has already been asked for with
 * the promise it made the first time. DataLoader answers each repeated key with a new promise that
 * settles through the cached one when the batch goes out: the rows of a page ask for the same few
 * volumes and storages fifty times, and each such promise costs two more promises and their ticks.
 * A record primed (every row of a list is) becomes a promise only if someone loads its key. A key or
 * loader cleared (after a mutation, or by a failed batch) loads anew.
 */
export function sharingLoads<C extends object, K, V>(loaderOf: ContextCache<DataLoader<K, V>, C, []>): ContextCache<DataLoader<K, V>, C, []> {
  const shared = new WeakSet<DataLoader<K, V>>();
  const getter = (ctx: C) => {
    const loader = loaderOf(ctx);
    if (shared.has(loader)) return loader;
    shared.add(loader);
    const made = new Map<K, Promise<V>>();
    const primed = new Map<K, V | PromiseLike<V> | Error>();
    const [load, clear, clearAll] = [loader.load.bind(loader), loader.clear.bind(loader), loader.clearAll.bind(loader)];
    loader.load = (key) => {
      let promise = made.get(key);
      if (promise === undefined) {
        const value = primed.get(key);
        promise = primed.has(key) ? (value instanceof Error ? Promise.reject(value) : Promise.resolve(value as V)) : load(key);
        made.set(key, promise);
      }
      return promise;
    };
    // As DataLoader's own: a key already loaded or primed keeps what it has.
    loader.prime = (key, value) => {
      if (!made.has(key) && !primed.has(key)) primed.set(key, value);
      return loader;
    };
    loader.clear = (key) => (made.delete(key), primed.delete(key), clear(key));
    loader.clearAll = () => (made.clear(), primed.clear(), clearAll());
    return loader;
  };
  return Object.assign(getter, { delete: loaderOf.delete });
}

/** Fields of a vendor node that its key alone answers, without loading the record. */
const ANSWERED_BY_KEY = new Set(['__typename', 'id', 'vendorId', 'provider']);
const STUB = Symbol('key-only record');

function selectsOnlyKeyFields(info: GraphQLResolveInfo, selections: readonly SelectionNode[] = info.fieldNodes.flatMap((n) => n.selectionSet?.selections ?? [])): boolean {
  return selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return ANSWERED_BY_KEY.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT) return selectsOnlyKeyFields(info, selection.selectionSet.selections);
    const fragment = info.fragments[selection.name.value];
    return fragment ? selectsOnlyKeyFields(info, fragment.selectionSet.selections) : false;
  });
}

/**
 * The answer per field of a document: the compiled operation hands every row the same `fieldNodes`,
 * so the selection is walked once per document instead of once per row.
 */
const onlyKeyByFieldNodes = new WeakMap<GraphQLResolveInfo['fieldNodes'], boolean>();

function asksOnlyForKey(info: GraphQLResolveInfo): boolean {
  let onlyKey = onlyKeyByFieldNodes.get(info.fieldNodes);
  if (onlyKey === undefined) {
    onlyKey = selectsOnlyKeyFields(info);
    onlyKeyByFieldNodes.set(info.fieldNodes, onlyKey);
  }
  return onlyKey;
}

/**
 * What a field pointing at another vendor node returns: the key, which the node's DataLoader then
 * batches, or, when the client only asks for what the key already says (`group { id }`), a record
 * holding just the key, so that the reference costs no upstream call at all.
 */
export function referenceTo<T extends VendorRecord>(info: GraphQLResolveInfo, providerKey: string, vendorId: string): string | T {
  if (!asksOnlyForKey(info)) return localId(providerKey, vendorId);
  return { providerKey, vendorId, [STUB]: true } as unknown as T;
}

/** The DataLoader cache key of a record; key-only records get their own, so they never stand in for a loaded one. */
export function cacheKeyOf(record: VendorRecord): string {
  return (STUB in record ? 'key-only:' : '') + localId(record.providerKey, record.vendorId);
}

/** Reports a provider that failed a list field as an error at that field, next to the others' data. */
export function reportFailuresOf(ctx: GatewayContext, info: GraphQLResolveInfo): ProviderFailureHandler {
  return (provider, error) => {
    const upstream = toUpstreamError(provider.name, error);
    ctx.partialFailures.push(new GraphQLError(upstream.message, { path: responsePathAsArray(info.path), extensions: upstream.extensions }));
  };
}
