import type { ProviderConfig } from '../config.js';
import { providerKeyOf } from '../core/ids.js';
import type { BackupProvider } from './provider.js';
import { ZStackProvider } from './zstack/adapter.js';

/** Builds the adapter a provider entry of the config names. */
export function createProvider(tenant: string, config: ProviderConfig): BackupProvider {
  const key = providerKeyOf(tenant, config.name);
  switch (config.kind) {
    case 'zstack':
      return new ZStackProvider({
        key,
        name: config.name,
        client: {
          endpoint: config.endpoint,
          accountName: config.accountName,
          password: config.password,
          timeZone: config.timeZone,
          timeoutMs: config.timeoutMs,
        },
      });
    case 'huawei-vbs':
    case 'huawei-taurusdb':
      throw new Error(`provider kind ${config.kind} is not wired yet`);
  }
}
