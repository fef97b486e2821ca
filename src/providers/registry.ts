import type { HuaweiAuthConfig, ProviderConfig } from '../infrastructure/config.js';
import { providerKeyOf } from '../domain/ids.js';
import type { Clock } from '../infrastructure/clock.js';
import type { Logger } from '../infrastructure/logger.js';
import { DEFAULT_UPSTREAM_SETTINGS, UpstreamGuard, type UpstreamSettings } from '../infrastructure/upstream-guard.js';
import { UpstreamHttp } from '../infrastructure/upstream-http.js';
import type { UpstreamIdentity } from '../infrastructure/upstream-telemetry.js';
import { huaweiIdentity, IamTokenSource, type HuaweiAuth } from './huawei/auth/index.js';
import { CbrProvider } from './huawei/cbr/adapter.js';
import { TaurusDbProvider } from './huawei/taurusdb/adapter.js';
import { VbsProvider } from './huawei/vbs/adapter.js';
import type { BackupProvider, ProviderKey } from '../domain/provider.js';
import { ZStackProvider } from './zstack/adapter.js';

export interface ProviderServices {
  log?: Logger;
  upstream?: UpstreamSettings;
  /** Times the circuit's probe (tests move a manual one). */
  clock?: Clock;
}

/**
 * Builds the adapter a provider entry of the config names, with one guard (circuit breaker, read
 * and write queues, failure log) for every endpoint the adapter calls, IAM included.
 */
export function createProvider(tenant: string, config: ProviderConfig, services: ProviderServices = {}): BackupProvider {
  const key = providerKeyOf(tenant, config.name);
  const guard = new UpstreamGuard(key, services.upstream ?? DEFAULT_UPSTREAM_SETTINGS, services.log, services.clock);
  const provider = adapterOf(key, config, guard);
  // An open circuit is probed with the provider's own cheap call, never with a client's.
  guard.probeWith(() => provider.checkHealth());
  return provider;
}

function adapterOf(key: ProviderKey, config: ProviderConfig, guard: UpstreamGuard): BackupProvider {
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
          webhookUrl: config.webhookUrl,
          guard,
        },
      });
    case 'huawei-vbs':
      return new VbsProvider({ ...huaweiOptions(key, config, guard), evsEndpoint: config.evsEndpoint });
    case 'huawei-cbr':
      return new CbrProvider(huaweiOptions(key, config, guard));
    case 'huawei-taurusdb':
      return new TaurusDbProvider(huaweiOptions(key, config, guard));
  }
}

/** What every Huawei adapter is built with: its endpoint and project, AK/SK or IAM auth through the same guard. */
function huaweiOptions(key: ProviderKey, config: Extract<ProviderConfig, { kind: `huawei-${string}` }>, guard: UpstreamGuard) {
  return {
    key,
    name: config.name,
    endpoint: config.endpoint,
    projectId: config.projectId,
    auth: huaweiAuth(config.auth, config.projectId, config.timeoutMs, guard, huaweiIdentity(config.kind, key)),
    timeoutMs: config.timeoutMs,
    guard,
  };
}

function huaweiAuth(auth: HuaweiAuthConfig, projectId: string, timeoutMs: number, guard: UpstreamGuard, identity: UpstreamIdentity): HuaweiAuth {
  if ('accessKey' in auth) return { accessKey: auth.accessKey, secretKey: auth.secretKey };
  const { endpoint, user, password, domain, project } = auth.iam;
  return {
    iam: new IamTokenSource({
      http: new UpstreamHttp(endpoint, { timeoutMs, guard, identity }),
      user,
      password,
      domain,
      // A token scoped by the project's name when the config gives it, else by the id every call uses.
      project: project ? { name: project } : { id: projectId },
    }),
  };
}
