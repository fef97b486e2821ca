import { GraphQLError } from 'graphql';
import { JOB_OPERATIONS, type JobOperation, type ProviderKey } from './provider.js';
import { rememberedPairs } from './remembered.js';

/**
 * Relay global ids: base64url of `Type:tenant/provider:vendorId`. The provider key inside the id is
 * what scopes it: a tenant only resolves keys of its own providers, so another tenant's id behaves
 * exactly like one that does not exist. Ids are opaque to clients; nothing may depend on the layout.
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

export function providerKeyOf(tenant: string, provider: string): ProviderKey {
  return `${tenant}/${provider}`;
}

/**
 * The id relay puts after the type name: `tenant/provider:vendorId`. Every row asks for its own and
 * its references' several times (id, DataLoader key, cache key); the same string comes back each
 * time, so the maps keyed by it find it by its kept hash.
 */
export const localId: (providerKey: ProviderKey, vendorId: string) => string = rememberedPairs((providerKey, vendorId) => `${providerKey}:${vendorId}`);

export function splitLocalId(id: string): { providerKey: ProviderKey; vendorId: string } | null {
  const colon = id.indexOf(':');
  if (colon <= 0 || colon === id.length - 1) return null;
  const providerKey = id.slice(0, colon);
  const [tenant, provider, ...rest] = providerKey.split('/');
  if (rest.length > 0 || !tenant || !provider || !isValidName(tenant) || !isValidName(provider)) return null;
  return { providerKey, vendorId: id.slice(colon + 1) };
}

/**
 * A job's local id also names its operation, `tenant/provider:vendorJobId~operation`, so that a job
 * whose record is gone can be rebuilt from the vendor (`job(id)` asks the vendor's job with that id).
 * Ids made before they carried it still resolve, from the record alone. No vendor id holds a `~`.
 */
export function jobLocalId(providerKey: ProviderKey, vendorJobId: string, operation: JobOperation): string {
  return `${localId(providerKey, vendorJobId)}~${operation}`;
}

export function splitJobLocalId(id: string): { providerKey: ProviderKey; vendorId: string; operation: JobOperation | null } | null {
  const tilde = id.lastIndexOf('~');
  const named = tilde > 0 ? (JOB_OPERATIONS as readonly string[]).find((operation) => operation === id.slice(tilde + 1)) : undefined;
  const local = splitLocalId(named ? id.slice(0, tilde) : id);
  return local && { ...local, operation: (named as JobOperation | undefined) ?? null };
}

const VENDOR_JOB_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Job ids the gateway makes up itself (`lookup:…`, `delete:…`) hold a colon; vendors' job ids
 * (uuids, hex) never do. Only the gateway's own records vouch for a made-up id, so only vendor job
 * ids are rebuilt from the vendor (a forged `lookup:` id would otherwise make the gateway send the
 * create it holds).
 */
export function isVendorJobId(vendorJobId: string): boolean {
  return VENDOR_JOB_ID.test(vendorJobId);
}

/** Every row of every page encodes its ids again; the same rows come back on every refresh. */
const globalIds = rememberedPairs((typename, id) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url'));

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return globalIds(typename, String(id));
}

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const decoded = /^[A-Za-z0-9_-]+$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new GraphQLError(`"${globalId.slice(0, 80)}" is not a valid id`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { typename: decoded.slice(0, colon), id: decoded.slice(colon + 1) };
}

export interface ParsedGlobalId {
  typename: string;
  providerKey: ProviderKey;
  vendorId: string;
}

/** Decodes an id of a vendor resource; `null` for anything that is not one (never throws). */
export function parseResourceId(globalId: string): ParsedGlobalId | null {
  try {
    const { typename, id } = decodeGlobalId(globalId);
    const local = splitLocalId(id);
    return local ? { typename, ...local } : null;
  } catch {
    return null;
  }
}

export function resourceGlobalId(typename: string, providerKey: ProviderKey, vendorId: string): string {
  return encodeGlobalId(typename, localId(providerKey, vendorId));
}

/** Provider nodes have no vendor id: their local id is the provider key itself. */
export function providerGlobalId(providerKey: ProviderKey): string {
  return encodeGlobalId('Provider', providerKey);
}
