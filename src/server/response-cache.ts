import { createHash, randomBytes } from 'node:crypto';
import { createInMemoryCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import { providerKeyOf, resourceGlobalId } from '../domain/ids.js';
import type { Clock } from '../infrastructure/clock.js';
import type { TenantConfig } from '../infrastructure/config.js';
import type { Bus } from '../live/pubsub.js';
import type { StatusEvent, WatchKind } from '../live/status-events.js';
import type { Principal } from '../providers/access.js';

/**
 * The answers kept for the tenants that enable `responseCache`: one in-memory store per replica
 * (the plugin's LRU, 1,000 answers), keyed by tenant, scopes, document, operation and variables.
 * Per replica rather than in Redis: an answer lives a second or two, a Redis round trip would cost
 * a good part of what a hit saves, and the status events that make answers stale reach every
 * replica over the bus anyway.
 *
 * An answer goes when its life ends (the tenant's `ttlMs`, or a shorter `ttlMsPerType` of a type it
 * holds), when a mutation of its tenant finishes (use-response-cache.ts), and when the watcher
 * publishes a change of its tenant's resources.
 */

type Entity = Parameters<Cache['invalidate']>[0] extends Iterable<infer E> ? E : never;
type CachedResult = NonNullable<Awaited<ReturnType<Cache['get']>>>;
type Settings = TenantConfig['responseCache'];

/** A typename no GraphQL type has: every answer of a tenant holds it, so one invalidation drops them all. */
const TENANT_ENTITY = 'backupgraph:tenant';
const MAX_ANSWERS = 1_000;
const EXPIRES_AT = Symbol('expiresAt');
const TYPENAME: Record<WatchKind, string> = { backup: 'Backup', snapshot: 'Snapshot', job: 'Job' };
const KINDS = Object.keys(TYPENAME) as WatchKind[];

export class ResponseCache {
  private readonly answers = createInMemoryCache({ max: MAX_ANSWERS });
  /** Keys reach clients as ETags: a secret of this process keeps anyone from computing another tenant's. */
  private readonly secret = randomBytes(32);
  private readonly settings: ReadonlyMap<string, Settings>;
  private readonly unlisteners: (() => void)[] = [];

  constructor(tenants: readonly TenantConfig[], bus: Bus, private readonly clock: Clock) {
    this.settings = new Map(tenants.filter((tenant) => tenant.responseCache.enabled).map((tenant) => [tenant.name, tenant.responseCache]));
    for (const tenant of tenants) {
      if (!this.settings.has(tenant.name)) continue;
      for (const provider of tenant.providers) {
        for (const kind of KINDS) {
          const topic = bus.topic(kind, providerKeyOf(tenant.name, provider.name));
          this.unlisteners.push(bus.listen(topic, (event) => this.changed(tenant.name, event)));
        }
      }
    }
  }

  get enabled(): boolean {
    return this.settings.size > 0;
  }

  enabledFor(principal: Principal | null | undefined): principal is Principal {
    return principal != null && this.settings.has(principal.tenant.name);
  }

  /**
   * What decides an answer: the tenant, what the key may see, and the operation with its variables.
   * Keys of one tenant with the same scopes share answers; the key itself adds nothing to them.
   */
  keyOf(principal: Principal, documentString: string, operationName: string | null | undefined, variables: unknown): string {
    const scopes = [...principal.scopes].sort();
    const hash = createHash('sha256')
      .update(this.secret)
      .update(JSON.stringify([scopes, principal.federationRouter, operationName ?? null, documentString, variables ?? null]))
      .digest('base64url');
    return `${principal.tenant.name}:${hash}`;
  }

  /** Drops every answer of the tenant. */
  invalidateTenant(tenant: string): void {
    this.answers.invalidate([{ typename: TENANT_ENTITY, id: tenant }]);
  }

  /** The store the plugin reads and writes: lives per tenant and type, checked against the gateway's clock. */
  readonly store: Cache = {
    get: (key) => {
      const answer = this.answers.get(key) as (CachedResult & { [EXPIRES_AT]?: number }) | null;
      return answer && (answer[EXPIRES_AT] ?? 0) > this.clock.now() ? answer : null;
    },
    set: (key, result, entities, ttl) => {
      const tenant = key.slice(0, key.indexOf(':'));
      const settings = this.settings.get(tenant);
      if (!settings) return;
      const held = [...entities];
      const life = Math.min(ttl, lifeOf(settings, held));
      if (!(life > 0)) return;
      const stamped = { ...result, [EXPIRES_AT]: this.clock.now() + life };
      this.answers.set(key, stamped, [...held, { typename: TENANT_ENTITY, id: tenant }], life);
    },
    invalidate: (entities) => this.answers.invalidate(entities),
  };

  close(): void {
    for (const unlisten of this.unlisteners.splice(0)) unlisten();
  }

  /**
   * A new status can move a resource into or out of a filtered list that does not hold it, so it
   * drops the tenant's answers; a job's progress alone drops only the answers that hold the job.
   */
  private changed(tenant: string, event: StatusEvent): void {
    if (event.previousStatus !== event.status) {
      this.invalidateTenant(tenant);
      return;
    }
    const typename = TYPENAME[event.kind];
    this.answers.invalidate([{ typename, id: resourceGlobalId(typename, event.record.providerKey, event.record.vendorId) }]);
  }
}

/** The tenant's life for an answer: the shortest of `ttlMs` and the `ttlMsPerType` of the types it holds. */
export function lifeOf(settings: Settings, held: readonly Entity[]): number {
  let life = settings.ttlMs;
  for (const { typename } of held) {
    const typeLife = settings.ttlMsPerType[typename];
    if (typeLife !== undefined) life = Math.min(life, typeLife);
  }
  return life;
}
