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
