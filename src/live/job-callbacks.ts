import type http from 'node:http';
import type { GatewayConfig, ProviderConfig } from '../infrastructure/config.js';
import { isValidName, providerKeyOf } from '../domain/ids.js';
import type { Logger } from '../infrastructure/logger.js';
import type { StatusWatcher } from './watcher.js';

/** ZStack's X-Web-Hook callbacks: where vendors are told to report job ends, and how reports are received. */

export const JOB_CALLBACK_PREFIX = '/hooks/zstack/';

/** The path under which a vendor reports the end of a job of one provider instance. */
export function jobCallbackPath(tenant: string, provider: string): string {
  return `${JOB_CALLBACK_PREFIX}${encodeURIComponent(tenant)}/${encodeURIComponent(provider)}`;
}

/** ZStack's X-Web-Hook target for the jobs of each ZStack provider, when the vendors can reach the gateway. */
export function withJobCallback(config: GatewayConfig, tenant: string, provider: ProviderConfig): ProviderConfig {
  if (provider.kind !== 'zstack' || provider.webhookUrl || !config.watcher.callbackUrl) return provider;
  return { ...provider, webhookUrl: `${config.watcher.callbackUrl.replace(/\/+$/, '')}${jobCallbackPath(tenant, provider.name)}` };
}

/**
 * A vendor says a job ended. The body is not trusted: the callback only makes the watcher ask the
 * vendor about a job it already follows, so a forged call costs one poll. Always 200 (ZStack retries
 * anything else).
 */
export function receiveJobCallback(req: http.IncomingMessage, res: http.ServerResponse, watcher: StatusWatcher, log: Logger): void {
  req.resume();
  // Names are letters, digits, - and _ (isValidName): nothing to decode, and anything else is refused.
  const [tenant, provider, ...rest] = (req.url ?? '').slice(JOB_CALLBACK_PREFIX.length).split('?')[0]!.split('/');
  const jobUuid = req.headers['x-job-uuid'];
  res.writeHead(req.method === 'POST' ? 200 : 405).end();
  if (req.method !== 'POST' || rest.length > 0 || !tenant || !provider || !isValidName(tenant) || !isValidName(provider)) return;
  if (typeof jobUuid !== 'string') return;
  watcher.refreshJob(providerKeyOf(tenant, provider), jobUuid).catch((error: unknown) => log.warn({ err: error }, 'job callback failed'));
}
