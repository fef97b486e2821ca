import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * The gateway's Redis connections: one for commands and publishing, one in subscriber mode (a
 * subscribed connection can do nothing else). Every key and channel starts with `keyPrefix`, so
 * deployments and test runs sharing one Redis never meet. The URL may hold a password: it is never
 * logged, and connection errors are logged without it.
 */
export class RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;

  constructor(
    url: string,
    readonly keyPrefix: string,
    log: Logger,
  ) {
    const options = { maxRetriesPerRequest: 3, enableAutoPipelining: true, lazyConnect: false };
    this.commands = new Redis(url, options);
    this.subscriber = new Redis(url, { ...options, enableAutoPipelining: false });
    for (const [role, client] of [['commands', this.commands], ['subscriber', this.subscriber]] as const) {
      client.on('error', (error: Error & { code?: string }) => log.warn({ role, code: error.code }, 'redis connection problem'));
    }
  }

  key(...parts: string[]): string {
    return `${this.keyPrefix}${parts.join(':')}`;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber.quit(), this.commands.quit()]);
  }
}
