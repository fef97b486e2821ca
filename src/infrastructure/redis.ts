import { Redis, type RedisOptions } from 'ioredis';
import { StateStoreUnavailable } from '../domain/errors.js';
import type { Logger } from './logger.js';

/**
 * The gateway's Redis connections: one for commands and publishing, one in subscriber mode (a
 * subscribed connection can do nothing else). Every key and channel starts with `keyPrefix`, so
 * deployments and test runs sharing one Redis never meet. The URL may hold a password: it is never
 * logged, and connection errors are logged without it.
 *
 * A Redis that stops answering must not stop the gateway: every command fails after
 * `commandTimeoutMs` (shorter than the request deadline, config.ts checks), including commands
 * queued while the first connection is made (ioredis arms the timeout before queueing). Once
 * connected, a command sent while the connection is down fails at once instead of waiting in the
 * offline queue for a reconnection that a refused Redis never gives.
 */

export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

export class RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;

  constructor(
    url: string,
    readonly keyPrefix: string,
    log: Logger,
    private readonly commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ) {
    const options: RedisOptions = {
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      enableAutoPipelining: true,
      lazyConnect: false,
    };
    this.commands = new Redis(url, options);
    // No timeout on the subscriber: the event target that sends its SUBSCRIBEs does not handle a
    // rejected one, so they wait until Redis answers.
    this.subscriber = new Redis(url, { ...options, commandTimeout: undefined, maxRetriesPerRequest: null, enableAutoPipelining: false });
    this.commands.once('ready', () => {
      this.commands.options.enableOfflineQueue = false;
    });
    for (const [role, client] of [['commands', this.commands], ['subscriber', this.subscriber]] as const) {
      client.on('error', (error: Error & { code?: string }) => log.warn({ role, code: error.code }, 'redis connection problem'));
    }
  }

  key(...parts: string[]): string {
    return `${this.keyPrefix}${parts.join(':')}`;
  }

  /** Whether Redis answers a PING within the command timeout (readiness asks this). */
  async answers(): Promise<boolean> {
    try {
      return (await this.commands.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Runs a command whose failure means shared state cannot be kept: it fails as StateStoreUnavailable. */
  async stateCommand<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StateStoreUnavailable((error as Error).message === 'Command timed out' ? 'redis did not answer in time' : 'redis is not reachable');
    }
  }

  /** Quits politely, but a Redis that does not answer within the command timeout does not hold the shutdown up. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.commandTimeoutMs)));
    await Promise.race([Promise.allSettled([this.subscriber.quit(), this.commands.quit()]), patience]);
    clearTimeout(timer);
    this.subscriber.disconnect();
    this.commands.disconnect();
  }
}
