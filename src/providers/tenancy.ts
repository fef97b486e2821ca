import { createHash } from 'node:crypto';
import type { TenantConfig } from '../infrastructure/config.js';
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

export interface Caller {
  tenant: Tenant;
  keyLabel: string;
}

export type ProviderFactory = (tenant: string, config: TenantConfig['providers'][number]) => BackupProvider;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export class TenantDirectory {
  readonly tenants: readonly Tenant[];
  private readonly byKeyHash = new Map<string, Caller>();
  private readonly byProviderKey = new Map<ProviderKey, BackupProvider>();

  constructor(configs: readonly TenantConfig[], createProvider: ProviderFactory) {
    this.tenants = configs.map((config) => {
      const tenant = new Tenant(
        config.name,
        config.providers.map((p) => createProvider(config.name, p)),
      );
      // A key without a label is named by the start of its hash: enough to tell keys apart in logs.
      for (const key of config.apiKeys) this.byKeyHash.set(key.sha256, { tenant, keyLabel: key.label ?? `sha256:${key.sha256.slice(0, 8)}` });
      for (const provider of tenant.providers) this.byProviderKey.set(provider.key, provider);
      return tenant;
    });
  }

  /**
   * The tenant of a bearer credential (`Bearer <key>` or the bare key) and the label of the key, for
   * logs; `null` when it is no key of ours.
   */
  identify(authorization: unknown): Caller | null {
    if (typeof authorization !== 'string') return null;
    const key = authorization.replace(/^Bearer\s+/i, '').trim();
    if (key.length === 0) return null;
    return this.byKeyHash.get(sha256Hex(key)) ?? null;
  }

  /** Any tenant's provider: for background work (job following) that is not bound to a request. */
  provider(key: ProviderKey): BackupProvider | undefined {
    return this.byProviderKey.get(key);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.byProviderKey.values()].map((p) => p.close()));
  }
}
