import { randomUUID } from 'node:crypto';
import type { Logger } from '../infrastructure/logger.js';
import type { RedisConnections } from '../infrastructure/redis.js';

/**
 * Which replica polls which provider instance. With Redis, a lease per provider (`SET NX PX`) names
 * one holder; the holder renews it at a third of its length, and every other replica tries to take
 * it as often, so when the holder dies another takes over within the lease time. Without Redis the
 * one process holds every lease.
 */

export interface LeaseEvents {
  acquired(name: string): void;
  lost(name: string): void;
}

export interface Leases {
  /** Starts contending for these names; `events` hears every change of holding. */
  start(names: readonly string[], events: LeaseEvents): void;
  close(): Promise<void>;
}

export class LocalLeases implements Leases {
  start(names: readonly string[], events: LeaseEvents): void {
    for (const name of names) events.acquired(name);
  }

  async close(): Promise<void> {}
}

/** Renews only a lease this replica still holds; releases likewise. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisLeases implements Leases {
  /** Identifies this replica as a lease holder; logged, so an operator sees who polls what. */
  readonly holderId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly held = new Set<string>();
  private names: readonly string[] = [];
  private events: LeaseEvents | null = null;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;

  constructor(
    private readonly redis: RedisConnections,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {}

  start(names: readonly string[], events: LeaseEvents): void {
    this.names = names;
    this.events = events;
    const contend = () => {
      this.round = this.contend().finally(() => {
        this.round = null;
        if (this.events) this.timer = setTimeout(contend, Math.max(50, Math.floor(this.leaseMs / 3)));
      });
    };
    contend();
  }

  async close(): Promise<void> {
    this.events = null;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
    await Promise.allSettled([...this.held].map((name) => this.redis.commands.eval(RELEASE, 1, this.key(name), this.holderId)));
    this.held.clear();
  }

  private key(name: string): string {
    return this.redis.key('lease', name);
  }

  private async contend(): Promise<void> {
    await Promise.all(this.names.map((name) => this.contendFor(name)));
  }

  private async contendFor(name: string): Promise<void> {
    let holding: boolean;
    try {
      holding = this.held.has(name)
        ? (await this.redis.commands.eval(RENEW, 1, this.key(name), this.holderId, String(this.leaseMs))) === 1
        : (await this.redis.commands.set(this.key(name), this.holderId, 'PX', this.leaseMs, 'NX')) === 'OK';
    } catch (error) {
      // Without Redis nobody can prove they hold the lease: stop polling rather than poll twice.
      this.log.warn({ err: error, lease: name }, 'lease renewal failed');
      holding = false;
    }
    if (!this.events) return;
    if (holding && !this.held.has(name)) {
      this.held.add(name);
      this.log.info({ lease: name, holder: this.holderId }, 'lease acquired: polling this provider');
      this.events.acquired(name);
    } else if (!holding && this.held.has(name)) {
      this.held.delete(name);
      this.log.warn({ lease: name, holder: this.holderId }, 'lease lost: another replica polls this provider');
      this.events.lost(name);
    }
  }
}
