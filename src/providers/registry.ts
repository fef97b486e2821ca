import type { HuaweiAuthConfig, ProviderConfig } from '../infrastructure/config.js';
import { providerKeyOf } from '../domain/ids.js';
import { UpstreamHttp } from '../infrastructure/upstream-http.js';
import type { UpstreamIdentity } from '../infrastructure/upstream-telemetry.js';
import { huaweiIdentity, IamTokenSource, type HuaweiAuth } from './huawei/auth/index.js';
import { TaurusDbProvider } from './huawei/taurusdb/adapter.js';
import { VbsProvider } from './huawei/vbs/adapter.js';
import type { BackupProvider } from '../domain/provider.js';
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
          webhookUrl: config.webhookUrl,
        },
      });
    case 'huawei-vbs':
      return new VbsProvider({
        key,
        name: config.name,
        endpoint: config.endpoint,
        evsEndpoint: config.evsEndpoint,
        projectId: config.projectId,
        auth: huaweiAuth(config.auth, config.projectId, config.timeoutMs, huaweiIdentity(config.kind, key)),
        timeoutMs: config.timeoutMs,
      });
    case 'huawei-taurusdb':
      return new TaurusDbProvider({
        key,
        name: config.name,
        endpoint: config.endpoint,
        projectId: config.projectId,
        auth: huaweiAuth(config.auth, config.projectId, config.timeoutMs, huaweiIdentity(config.kind, key)),
        timeoutMs: config.timeoutMs,
      });
  }
}

function huaweiAuth(auth: HuaweiAuthConfig, projectId: string, timeoutMs: number, identity: UpstreamIdentity): HuaweiAuth {
  if ('accessKey' in auth) return { accessKey: auth.accessKey, secretKey: auth.secretKey };
  const { endpoint, user, password, domain, project } = auth.iam;
  return {
    iam: new IamTokenSource({
      http: new UpstreamHttp(endpoint, { timeoutMs, identity }),
      user,
      password,
      domain,
      // A token scoped by the project's name when the config gives it, else by the id every call uses.
      project: project ? { name: project } : { id: projectId },
    }),
  };
}
