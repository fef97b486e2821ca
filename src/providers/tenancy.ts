import { createHash } from 'node:crypto';
import type { TenantConfig } from '../infrastructure/config.js';
import { ALL_SCOPES, type Principal } from './access.js';
import type { BackupProvider, ProviderKey } from '../domain/provider.js';

/**
 * Tenants own providers and API keys. A request is bound to exactly one tenant by its key, and
 * everything it reaches goes through `Tenant.provider(key)`: a key of another tenant's provider
 * finds nothing, which is what makes foreign ids look like ids that do not exist.
 */

export class Tenant {
  readonly providers: readonly BackupProvider[];
  private readonly byKey: Map<ProviderKey, BackupProvider>;

  constructor(
    readonly name: string,
    providers: BackupProvider[],
  ) {
    this.providers = providers;
    this.byKey = new Map(providers.map((p) => [p.key, p]));
  }

  provider(key: ProviderKey): BackupProvider | undefined {
    return this.byKey.get(key);
  }
}

export type ProviderFactory = (tenant: string, config: TenantConfig['providers'][number]) => BackupProvider;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export class TenantDirectory {
  readonly tenants: readonly Tenant[];
  private byKeyHash: Map<string, Principal>;
  private readonly byProviderKey = new Map<ProviderKey, BackupProvider>();

  constructor(configs: readonly TenantConfig[], createProvider: ProviderFactory) {
    this.tenants = configs.map((config) => {
      const tenant = new Tenant(
        config.name,
        config.providers.map((p) => createProvider(config.name, p)),
      );
      for (const provider of tenant.providers) this.byProviderKey.set(provider.key, provider);
      return tenant;
    });
    this.byKeyHash = this.keysOf(configs);
  }

  /** Who a bearer credential (`Bearer <key>` or the bare key) is; `null` when it is no key of ours. */
  authenticate(authorization: unknown): Principal | null {
    if (typeof authorization !== 'string') return null;
    const key = authorization.replace(/^Bearer\s+/i, '').trim();
    if (key.length === 0) return null;
    return this.byKeyHash.get(sha256Hex(key)) ?? null;
  }

  /**
   * Takes the API keys of `configs` in place of the current ones (key rotation). Tenants are matched
   * by name; providers cannot change without a restart, so a config that adds or drops a tenant is
   * refused whole. Returns the hashes of keys that no longer exist or changed rights.
   */
  replaceKeys(configs: readonly TenantConfig[]): string[] {
    const names = new Set(configs.map((c) => c.name));
    const known = new Set(this.tenants.map((t) => t.name));
    if (names.size !== known.size || [...names].some((name) => !known.has(name))) {
      throw new Error('tenants were added or removed: that needs a restart (keys can change without one)');
    }
    const next = this.keysOf(configs);
    const changed = [...this.byKeyHash.entries()].filter(([hash, old]) => !sameRights(old, next.get(hash))).map(([hash]) => hash);
    // Keys whose rights did not change keep their principal, so that their sockets stay current.
    for (const [hash, principal] of next) {
      const old = this.byKeyHash.get(hash);
      if (old && sameRights(old, principal)) next.set(hash, old);
    }
    this.byKeyHash = next;
    return changed;
  }

  /** Any tenant's provider: for background work (job following) that is not bound to a request. */
  provider(key: ProviderKey): BackupProvider | undefined {
    return this.byProviderKey.get(key);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.byProviderKey.values()].map((p) => p.close()));
  }

  private keysOf(configs: readonly TenantConfig[]): Map<string, Principal> {
    const byName = new Map(this.tenants.map((t) => [t.name, t]));
    const keys = new Map<string, Principal>();
    for (const config of configs) {
      const tenant = byName.get(config.name)!;
      config.apiKeys.forEach((key, index) => {
        keys.set(key.sha256, {
          tenant,
          keyHash: key.sha256,
          label: key.label ?? `${config.name}#${index}`,
          scopes: key.scopes ? new Set(key.scopes) : ALL_SCOPES,
          federationRouter: key.federationRouter,
        });
      });
    }
    return keys;
  }
}

function sameRights(a: Principal, b: Principal | undefined): boolean {
  return (
    b !== undefined &&
    a.tenant === b.tenant &&
    a.label === b.label &&
    a.federationRouter === b.federationRouter &&
    a.scopes.size === b.scopes.size &&
    [...a.scopes].every((scope) => b.scopes.has(scope))
  );
}
