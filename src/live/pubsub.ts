import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { ProviderKey } from '../domain/provider.js';
import type { Redis } from 'ioredis';
import type { RedisConnections } from '../infrastructure/redis.js';
import type { StatusEvent, WatchKind } from './status-events.js';

/**
 * The bus that carries status events: in memory for one process, or Redis pub/sub
 * (@graphql-yoga/redis-event-target) shared by every replica. Topics name a kind and a provider
 * instance (`backup:<tenant>/<provider>`), and provider keys belong to one tenant, so a subscriber
 * only ever listens to its own tenant's topics. Payloads are plain JSON; one parsed payload is shared
 * by every local listener and must not be mutated.
 */

declare const payloadType: unique symbol;

/** A topic name that knows what its payloads are, so publishers and listeners agree on them. */
export type Topic<P> = string & { readonly [payloadType]?: P };

/** Something new to poll on a provider: its poller (on whichever replica holds it) wakes up. */
export type Wake = null;

export type Listener<P> = (payload: P) => void;

export interface Bus {
  /** The topic of one kind of event of one provider instance. */
  topic<K extends WatchKind>(kind: K, providerKey: ProviderKey): Topic<StatusEvent<K>>;
  wakeTopic(providerKey: ProviderKey): Topic<Wake>;
  publish<P>(topic: Topic<P>, payload: P): void;
  listen<P>(topic: Topic<P>, listener: Listener<P>): () => void;
  close(): Promise<void>;
}

abstract class TopicBus implements Bus {
  constructor(private readonly prefix: string) {}

  topic<K extends WatchKind>(kind: K, providerKey: ProviderKey): Topic<StatusEvent<K>> {
    return `${this.prefix}${kind}:${providerKey}`;
  }

  wakeTopic(providerKey: ProviderKey): Topic<Wake> {
    return `${this.prefix}wake:${providerKey}`;
  }

  abstract publish<P>(topic: Topic<P>, payload: P): void;
  abstract listen<P>(topic: Topic<P>, listener: Listener<P>): () => void;
  abstract close(): Promise<void>;
}

export class MemoryBus extends TopicBus {
  /** Listeners of every payload type, each reached only through its own typed topic. */
  private readonly listeners = new Map<string, Set<Listener<never>>>();

  constructor() {
    super('');
  }

  publish<P>(topic: Topic<P>, payload: P): void {
    // A copy per publish, as Redis would deliver: the publisher may go on changing its own object.
    const delivered = JSON.parse(JSON.stringify(payload)) as P;
    for (const listener of (this.listeners.get(topic) ?? []) as Set<Listener<P>>) listener(delivered);
  }

  listen<P>(topic: Topic<P>, listener: Listener<P>): () => void {
    let set = this.listeners.get(topic) as Set<Listener<P>> | undefined;
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

  constructor(private readonly redis: RedisConnections) {
    super(redis.keyPrefix);
    this.target = createRedisEventTarget({ publishClient: redis.commands, subscribeClient: handledSubscriptions(redis.subscriber) });
  }

  /**
   * Published here rather than through the event target, which drops the PUBLISH's promise: while
   * Redis is down its rejection would go unhandled and end the process. What is lost then is a
   * wake-up (status transitions are published by the store's own script), costing one poll interval.
   */
  publish<P>(topic: Topic<P>, payload: P): void {
    this.redis.commands.publish(topic, payload === undefined ? '' : JSON.stringify(payload)).catch(() => undefined);
  }

  listen<P>(topic: Topic<P>, listener: Listener<P>): () => void {
    // What arrives on a topic is what `publish` sent on it (as JSON): the topic's payload type.
    const handler = { handleEvent: (event: Event) => listener((event as CustomEvent<P>).detail) };
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

export interface EventStreamOptions<T, P> {
  bus: Bus;
  topics: readonly Topic<P>[];
  /** Maps a bus payload to what the subscriber receives, or `null` to skip it. */
  select(payload: P): T | null;
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
export function eventStream<T, P>(options: EventStreamOptions<T, P>): AsyncIterableIterator<T | SlowConsumer> {
  return new EventStream(options);
}

/**
 * Takes a stream's items as they come, called by the stream itself, instead of pulling them one
 * promise at a time: with ten thousand subscribers to one event, pulling is two promises and two
 * microtask hops per subscriber (each paying AsyncLocalStorage's promise hooks on Node 20).
 */
export interface ItemReceiver<T> {
  /**
   * The next item, or the end (the last call). False pauses the stream: it holds its items (still
   * bounded by `maxBuffered`) until `resume()`.
   */
  receive(item: IteratorResult<T>): boolean;
}

/** A stream that can push its items to a receiver instead of being iterated. */
export interface PushingStream<T> extends AsyncIterableIterator<T> {
  pushTo(receiver: ItemReceiver<T>): void;
  resume(): void;
}

export function isPushing<T>(stream: AsyncIterator<T>): stream is PushingStream<T> {
  return stream instanceof EventStream;
}

class EventStream<T, P> implements PushingStream<T | SlowConsumer> {
  private readonly queue: (T | SlowConsumer)[] = [];
  /** Fingerprint last delivered per identity. */
  private readonly delivered = new Map<string, string>();
  private readonly unlisteners: (() => void)[];
  private waiting: ((result: IteratorResult<T | SlowConsumer>) => void) | null = null;
  /** Set instead of `waiting` once the stream pushes its items (pushTo). */
  private receiver: ItemReceiver<T | SlowConsumer> | null = null;
  private paused = false;
  private pushing = false;
  private ready = false;
  private done = false;

  constructor(private readonly options: EventStreamOptions<T, P>) {
    const listener = (payload: P) => {
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

  /** From now on items go to `receiver` as they come (no `next()` may be pending). */
  pushTo(receiver: ItemReceiver<T | SlowConsumer>): void {
    this.receiver = receiver;
    this.push();
  }

  resume(): void {
    this.paused = false;
    this.push();
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
    if (this.receiver) return this.push();
    if (!this.waiting) return;
    const result = this.take();
    if (result) this.settle(result);
  }

  /** Hands the receiver what is queued, until it pauses; a push from within a receive is left to the loop already running. */
  private push(): void {
    if (this.pushing) return;
    this.pushing = true;
    try {
      while (this.receiver && !this.paused) {
        const result = this.take();
        if (!result) break;
        const receiver = this.receiver;
        if (result.done) this.receiver = null;
        this.paused = !receiver.receive(result);
      }
    } finally {
      this.pushing = false;
    }
  }

  private settle(result: IteratorResult<T | SlowConsumer>): void {
    if (this.receiver) return this.push();
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

/**
 * The subscriber as the event target uses it (`on`, `subscribe`, `unsubscribe`), with the promises
 * it drops handled: an UNSUBSCRIBE cut short when the connection closes under a Redis that stopped
 * answering would otherwise be an unhandled rejection, which ends the process.
 */
function handledSubscriptions(subscriber: Redis): Redis {
  const handled = {
    on: subscriber.on.bind(subscriber),
    subscribe: (channel: string) => subscriber.subscribe(channel).catch(() => 0),
    unsubscribe: (channel: string) => subscriber.unsubscribe(channel).catch(() => 0),
  };
  // The event target calls nothing else of its subscribe client.
  return handled as unknown as Redis;
}
