import type { Logger } from '../infrastructure/logger.js';
import type { Caller, TenantDirectory } from '../providers/tenancy.js';

/**
 * The caller an API key names, on HTTP and WebSocket alike; a refused key is logged at warn with the
 * remote address (never the key), so an operator sees who keeps knocking.
 */
export function authenticateCaller(tenants: TenantDirectory, authorization: unknown, remoteAddress: string | undefined, log: Logger): Caller | null {
  const caller = tenants.identify(authorization);
  if (!caller) log.warn({ remoteAddress, reason: typeof authorization === 'string' && authorization.trim() ? 'unknown key' : 'no key' }, 'API key refused');
  return caller;
}
