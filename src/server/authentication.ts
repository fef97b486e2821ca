import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../infrastructure/logger.js';
import type { Principal } from '../providers/access.js';
import type { TenantDirectory } from '../providers/tenancy.js';

/** Refusals logged in full per source address and minute; beyond, only at 10, 100, 1,000 … */
const LINES_PER_MINUTE = 5;

export type Authenticate = (authorization: unknown, remoteAddress: string | undefined, requestId: string) => Principal | null;

/**
 * The principal an API key names, on HTTP and WebSocket alike. A refused key is logged at warn
 * with the remote address and the request id (never the key), so an operator sees who keeps
 * knocking; a client that knocks a thousand times a minute makes a handful of lines, the last
 * saying how many it has tried (`refusedThisMinute`), not a thousand.
 */
export function createAuthenticator(tenants: TenantDirectory, log: Logger): Authenticate {
  const perAddress = new RateLimiterMemory({ points: LINES_PER_MINUTE, duration: 60 });
  return (authorization, remoteAddress, requestId) => {
    const principal = tenants.authenticate(authorization);
    if (principal) return principal;
    const reason = typeof authorization === 'string' && authorization.trim() ? 'unknown key' : 'no key';
    const counted = (result: RateLimiterRes) => {
      const refused = result.consumedPoints;
      if (refused <= LINES_PER_MINUTE || Number.isInteger(Math.log10(refused))) {
        log.warn({ remoteAddress, requestId, reason, refusedThisMinute: refused }, 'API key refused');
      }
    };
    // The memory store answers at once; its API is a promise either way (a rejection means over the points).
    perAddress.consume(remoteAddress ?? 'unknown').then(counted, counted);
    return null;
  };
}
