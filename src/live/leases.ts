import { randomUUID } from 'node:crypto';
import type { Logger } from '../infrastructure/logger.js';
import type { RedisConnections } from '../infrastructure/redis.js';

/**
 * Which replica polls which provider instance. With Redis, a lease per provider (`SET NX PX`) names
 * one holder; the holder renews it at a third of its length, and every other replica tries to take
 * it as often, so when the holder dies another takes over within the lease time. While Redis cannot
 * be asked, every replica polls. Without Redis the one process holds every lease.
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

/**
 * Renews a lease this replica holds, or takes it back when it lapsed and nobody took it (as after a
 * Redis outage, during which this replica went on polling); releases only its own.
 */
const RENEW = `local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisLeases implements Leases {
  /** Identifies this replica as a lease holder; logged, so an operator sees who polls what. */
  readonly holderId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly held = new Set<string>();
  /** Leases whose last renewal Redis did not answer. */
  private readonly unreadable = new Set<string>();
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
      if (this.unreadable.delete(name)) this.log.info({ lease: name, holding }, 'lease readable again');
    } catch (error) {
      // Without Redis nobody can tell who holds the lease: poll anyway. Polls only read, so two
      // replicas polling is harmless; none polling would leave jobs unfollowed.
      if (!this.unreadable.has(name)) this.log.warn({ err: error, lease: name }, 'lease unreadable: polling without it until Redis answers');
      this.unreadable.add(name);
      holding = true;
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
