import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/infrastructure/logger.js';
import { RedisConnections } from '../../src/infrastructure/redis.js';

/** The CI machine's Redis (.ci/run starts it when it does not answer). */
export const REDIS_URL = process.env.BACKUPGRAPH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export function testPrefix(): string {
  return `bgtest:${randomBytes(6).toString('hex')}:`;
}

export function connect(prefix: string): RedisConnections {
  return new RedisConnections(REDIS_URL, prefix, createLogger({ level: 'silent' }));
}

/** Deletes every key of a test run. */
export async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
