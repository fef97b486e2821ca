import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isValidName, providerKeyOf } from '../domain/ids.js';
import type { ProviderKey } from '../domain/provider.js';
import type { GatewayConfig, ProviderConfig } from '../infrastructure/config.js';
import type { Logger } from '../infrastructure/logger.js';
import type { StatusWatcher } from './watcher.js';

/**
 * ZStack's X-Web-Hook callbacks: where vendors are told to report job ends, and how reports are
 * received. ZStack posts to exactly the URL it was given and signs nothing, so the URL carries the
 * credential: its last segment is an HMAC of the provider's name under the callback secret, and
 * only a URL the gateway handed out opens the route. A provider without a callback URL has no
 * route at all.
 */

export const JOB_CALLBACK_PREFIX = '/hooks/zstack/';

function tokenOf(secret: string, tenant: string, provider: string): string {
  return createHmac('sha256', secret).update(`zstack-job-callback\n${tenant}\n${provider}`).digest('base64url');
}

export class JobCallbacks {
  private readonly tokens = new Map<ProviderKey, Buffer>();

  /** `secret`: `watcher.callbackSecret`, or one made at start (callbacks to another replica then fall back to polling). */
  constructor(private readonly secret: string) {}

  /**
   * The provider's config with its X-Web-Hook target, when the vendors can reach the gateway: the
   * provider's `webhookUrl`, or `<watcher.callbackUrl>/hooks/zstack/<tenant>/<provider>`, with the
   * token appended as the last path segment. The route of that provider opens here.
   */
  withCallback(config: GatewayConfig, tenant: string, provider: ProviderConfig): ProviderConfig {
    if (provider.kind !== 'zstack' || (!provider.webhookUrl && !config.watcher.callbackUrl)) return provider;
    const base = provider.webhookUrl ?? `${config.watcher.callbackUrl!.replace(/\/+$/, '')}${JOB_CALLBACK_PREFIX}${tenant}/${provider.name}`;
    const token = tokenOf(this.secret, tenant, provider.name);
    this.tokens.set(providerKeyOf(tenant, provider.name), Buffer.from(token));
    return { ...provider, webhookUrl: `${base.replace(/\/+$/, '')}/${token}` };
  }

  /** Does this provider's vendor report job ends (so that its jobs are polled only as a fallback)? */
  reports(providerKey: ProviderKey): boolean {
    return this.tokens.has(providerKey);
  }

  /**
   * Answers a callback and returns true; false when the path is not a callback route of this
   * gateway (no provider reports by callback, or the path names none), which then is not a route.
   * A wrong token is a 404, as for a route that does not exist. A right one gets 200 (ZStack retries
   * anything else) and makes the watcher ask the vendor about the job, if it is one it follows.
   */
  receive(req: http.IncomingMessage, res: http.ServerResponse, watcher: StatusWatcher, log: Logger): boolean {
    const path = (req.url ?? '').split('?')[0]!;
    if (this.tokens.size === 0 || !path.startsWith(JOB_CALLBACK_PREFIX)) return false;
    // Names are letters, digits, - and _ (isValidName), tokens base64url: nothing to decode.
    const [tenant, provider, token, ...rest] = path.slice(JOB_CALLBACK_PREFIX.length).split('/');
    const expected = tenant && provider && isValidName(tenant) && isValidName(provider) ? this.tokens.get(providerKeyOf(tenant, provider)) : undefined;
    const given = Buffer.from(token ?? '');
    if (!expected || rest.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      // Unread body, closed connection: a guess costs the gateway nothing more.
      res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('not found');
      return true;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', connection: 'close' }).end();
      return true;
    }
    req.resume();
    res.writeHead(200).end();
    const jobUuid = req.headers['x-job-uuid'];
    if (typeof jobUuid !== 'string') return true;
    watcher.refreshJob(providerKeyOf(tenant!, provider!), jobUuid).catch((error: unknown) => log.warn({ err: error }, 'job callback failed'));
    return true;
  }
}
