import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { BackupRecord, JobRecord, ProviderKey, SnapshotRecord } from '../domain/provider.js';
import type { RedisConnections } from '../infrastructure/redis.js';

/**
 * Status events and the bus that carries them: in memory for one process, or Redis pub/sub
 * (@graphql-yoga/redis-event-target) shared by every replica. Topics name a kind and a provider
 * instance (`backup:<tenant>/<provider>`), and provider keys belong to one tenant, so a subscriber
 * only ever listens to its own tenant's topics. Payloads are plain JSON; one parsed payload is shared
 * by every local listener and must not be mutated.
 */

export type WatchKind = 'backup' | 'snapshot' | 'job';

export interface RecordOf {
  backup: BackupRecord;
  snapshot: SnapshotRecord;
  job: JobRecord;
}

/** One transition as the watcher saw it: published once, whatever the number of replicas. */
export interface StatusEvent<K extends WatchKind = WatchKind> {
  kind: K;
  /** `null` when the resource was first seen with this status. */
  previousStatus: string | null;
  status: string;
  /** When the watcher saw the change (ISO-8601). */
  occurredAt: string;
  record: RecordOf[K];
}

export type Listener = (payload: unknown) => void;

export interface Bus {
  /** The topic of one kind of event of one provider instance. */
  topic(kind: WatchKind | 'wake', providerKey: ProviderKey): string;
  publish(topic: string, payload: unknown): void;
  listen(topic: string, listener: Listener): () => void;
  close(): Promise<void>;
}

abstract class TopicBus implements Bus {
  constructor(private readonly prefix: string) {}

  topic(kind: WatchKind | 'wake', providerKey: ProviderKey): string {
    return `${this.prefix}${kind}:${providerKey}`;
  }

  abstract publish(topic: string, payload: unknown): void;
  abstract listen(topic: string, listener: Listener): () => void;
  abstract close(): Promise<void>;
}

export class MemoryBus extends TopicBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor() {
    super('');
  }

  publish(topic: string, payload: unknown): void {
    // A copy per publish, as Redis would deliver: the publisher may go on changing its own object.
    const delivered = JSON.parse(JSON.stringify(payload)) as unknown;
    for (const listener of this.listeners.get(topic) ?? []) listener(delivered);
  }

  listen(topic: string, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

export class RedisBus extends TopicBus {
  private readonly target: ReturnType<typeof createRedisEventTarget>;

  constructor(redis: RedisConnections) {
    super(redis.keyPrefix);
    this.target = createRedisEventTarget({ publishClient: redis.commands, subscribeClient: redis.subscriber });
  }

  publish(topic: string, payload: unknown): void {
    this.target.dispatchEvent(new CustomEvent(topic, { detail: payload }));
  }

  listen(topic: string, listener: Listener): () => void {
    const handler = { handleEvent: (event: Event) => listener((event as CustomEvent).detail) };
    this.target.addEventListener(topic, handler);
    return () => this.target.removeEventListener(topic, handler);
  }

  async close(): Promise<void> {
    // The connections belong to RedisConnections, which closes them.
  }
}

/** Marks the end of a stream whose consumer fell too far behind. */
export class SlowConsumer {
  constructor(readonly limit: number) {}
}

export interface EventStreamOptions<T> {
  bus: Bus;
  topics: readonly string[];
  /** Maps a bus payload to what the subscriber receives, or `null` to skip it. */
  select(payload: unknown): T | null;
  /** The current state, delivered first; events that arrive meanwhile wait behind it. */
  initial(): Promise<T[]>;
  /** Items with the same identity and fingerprint as the last delivered one are not delivered twice. */
  identity(item: T): string;
  fingerprint(item: T): string;
  /** Ends the stream after this item (a terminal job). */
  isLast?(item: T): boolean;
  maxBuffered: number;
  /** Runs when the stream ends for any reason (releases watches). */
  onEnd?(): void;
}

/**
 * Current state first, then changes, from a bounded queue: a consumer that lets more than
 * `maxBuffered` items wait gets a SlowConsumer marker and nothing more, so memory stays bounded.
 * A class rather than closures: ten thousand of these may be open at once.
 */
export function eventStream<T>(options: EventStreamOptions<T>): AsyncIterableIterator<T | SlowConsumer> {
  return new EventStream(options);
}

class EventStream<T> implements AsyncIterableIterator<T | SlowConsumer> {
  private readonly queue: (T | SlowConsumer)[] = [];
  /** Fingerprint last delivered per identity. */
  private readonly delivered = new Map<string, string>();
  private readonly unlisteners: (() => void)[];
  private waiting: ((result: IteratorResult<T | SlowConsumer>) => void) | null = null;
  private ready = false;
  private done = false;

  constructor(private readonly options: EventStreamOptions<T>) {
    const listener = (payload: unknown) => {
      const item = options.select(payload);
      if (item !== null) this.offer(item);
    };
    this.unlisteners = options.topics.map((topic) => options.bus.listen(topic, listener));
    options.initial().then(
      (items) => this.start(items),
      // The current state could not be read: the subscriber still gets every change from here on.
      () => this.start([]),
    );
  }

  next(): Promise<IteratorResult<T | SlowConsumer>> {
    const result = this.take();
    if (result) return Promise.resolve(result);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T | SlowConsumer>> {
    this.finish();
    this.settle({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private start(items: T[]): void {
    if (this.done) return;
    this.queue.unshift(...items);
    this.ready = true;
    this.drain();
  }

  private offer(item: T): void {
    if (this.done) return;
    if (this.queue.length >= this.options.maxBuffered) {
      this.queue.length = 0;
      this.queue.push(new SlowConsumer(this.options.maxBuffered));
      this.stopListening();
    } else {
      this.queue.push(item);
    }
    this.drain();
  }

  private take(): IteratorResult<T | SlowConsumer> | null {
    while (this.ready && this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (item instanceof SlowConsumer) {
        this.finish();
        return { value: item, done: false };
      }
      const id = this.options.identity(item);
      const fingerprint = this.options.fingerprint(item);
      if (this.delivered.get(id) === fingerprint) continue;
      this.delivered.set(id, fingerprint);
      if (this.options.isLast?.(item)) this.finish();
      return { value: item, done: false };
    }
    return this.done ? { value: undefined, done: true } : null;
  }

  private drain(): void {
    if (!this.waiting) return;
    const result = this.take();
    if (result) this.settle(result);
  }

  private settle(result: IteratorResult<T | SlowConsumer>): void {
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.(result);
  }

  private stopListening(): void {
    for (const unlisten of this.unlisteners.splice(0)) unlisten();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.stopListening();
    this.queue.length = 0;
    this.options.onEnd?.();
  }
}
