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
 * offline queue for a reconnection that a refused Redis never gives. A Redis whose connection stays
 * up but which answers nothing (stopped, stuck) is found by a watchdog PING: the connection is
 * dropped and made again, so that meanwhile commands fail at once rather than each after its timeout.
 */

export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
/** ioredis's message for a command past `commandTimeout`. */
const TIMED_OUT = 'Command timed out';

export class RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;
  private readonly watchdog: NodeJS.Timeout;
  private watching = false;

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
    this.watchdog = setInterval(() => void this.watch(log), commandTimeoutMs);
    this.watchdog.unref();
    for (const [role, client] of [['commands', this.commands], ['subscriber', this.subscriber]] as const) {
      client.on('error', (error: Error & { code?: string }) => log.warn({ role, code: error.code }, 'redis connection problem'));
    }
  }

  key(...parts: string[]): string {
    return `${this.keyPrefix}${parts.join(':')}`;
  }

  /** Drops a connection whose Redis did not answer a PING in time; ioredis connects again. */
  private async watch(log: Logger): Promise<void> {
    if (this.watching || this.commands.status !== 'ready') return;
    this.watching = true;
    try {
      await this.commands.ping();
    } catch (error) {
      if ((error as Error).message === TIMED_OUT && this.commands.status === 'ready') {
        log.warn({ commandTimeoutMs: this.commandTimeoutMs }, 'redis did not answer a ping: reconnecting, commands fail at once meanwhile');
        this.commands.disconnect(true);
      }
    } finally {
      this.watching = false;
    }
  }

  /** Whether Redis answers a PING within the command timeout (readiness asks this). */
  async answers(): Promise<boolean> {
    if (this.commands.status !== 'ready') return false;
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
      throw new StateStoreUnavailable((error as Error).message === TIMED_OUT ? 'redis did not answer in time' : 'redis is not reachable');
    }
  }

  /** Quits politely, but a Redis that does not answer within the command timeout does not hold the shutdown up. */
  async close(): Promise<void> {
    clearInterval(this.watchdog);
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.commandTimeoutMs)));
    await Promise.race([Promise.allSettled([this.subscriber.quit(), this.commands.quit()]), patience]);
    clearTimeout(timer);
    this.subscriber.disconnect();
    this.commands.disconnect();
  }
}
