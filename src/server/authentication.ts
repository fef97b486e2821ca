import type { Logger } from '../infrastructure/logger.js';
import type { Principal } from '../providers/access.js';
import type { TenantDirectory } from '../providers/tenancy.js';

/**
 * The principal an API key names, on HTTP and WebSocket alike; a refused key is logged at warn with
 * the remote address (never the key), so an operator sees who keeps knocking.
 */
export function authenticate(tenants: TenantDirectory, authorization: unknown, remoteAddress: string | undefined, log: Logger): Principal | null {
  const principal = tenants.authenticate(authorization);
  if (!principal) log.warn({ remoteAddress, reason: typeof authorization === 'string' && authorization.trim() ? 'unknown key' : 'no key' }, 'API key refused');
  return principal;
}
