import { SlowConsumer, type Bus, type Topic } from './pubsub.js';

/**
 * The live streams subscribers read: the current state, then what the bus carries on their topics.
 * A topic's streams are reached through one bus listener (a TopicFanout), which selects each payload
 * once per selection key rather than once per stream: ten thousand consoles watching one backup
 * select, identify and fingerprint an event once, and each is offered the same entry.
 */

export interface EventStreamOptions<T, P> {
  bus: Bus;
  topics: readonly Topic<P>[];
  /** Maps a bus payload to what the subscriber receives, or `null` to skip it. */
  select(payload: P): T | null;
  /**
   * Streams with the same key select the same item from the same payload and identify and
   * fingerprint it alike, so it is selected once for all of them. Without a key a stream selects for
   * itself. Read once, when the stream starts (it may be a getter).
   */
  readonly selectionKey?: string | undefined;
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

/** An item with its identity and fingerprint, made once however many streams it reaches. */
interface Entry<T> {
  readonly item: T;
  readonly identity: string;
  readonly fingerprint: string;
}

class EventStream<T, P> implements PushingStream<T | SlowConsumer> {
  private readonly queue: (Entry<T> | SlowConsumer)[] = [];
  /** Fingerprint last delivered per identity. */
  private readonly delivered = new Map<string, string>();
  private fanouts: TopicFanout<P>[];
  /** The group it is fanned out in: its selection key, or itself. Kept, so that leaving finds the group joined. */
  readonly groupKey: unknown;
  private waiting: ((result: IteratorResult<T | SlowConsumer>) => void) | null = null;
  /** Set instead of `waiting` once the stream pushes its items (pushTo). */
  private receiver: ItemReceiver<T | SlowConsumer> | null = null;
  private paused = false;
  private pushing = false;
  private ready = false;
  private done = false;

  constructor(readonly options: EventStreamOptions<T, P>) {
    this.groupKey = options.selectionKey ?? this;
    this.fanouts = options.topics.map((topic) => TopicFanout.of(options.bus, topic));
    for (const fanout of this.fanouts) fanout.add(this);
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

  /** What this stream makes of a payload: the entry every stream of its selection key is offered, or null. */
  entryOf(payload: P): Entry<T> | null {
    const item = this.options.select(payload);
    return item === null ? null : this.entry(item);
  }

  offer(entry: Entry<T>): void {
    if (this.done) return;
    if (this.queue.length >= this.options.maxBuffered) {
      this.queue.length = 0;
      this.queue.push(new SlowConsumer(this.options.maxBuffered));
      this.stopListening();
    } else {
      this.queue.push(entry);
    }
    this.drain();
  }

  private entry(item: T): Entry<T> {
    return { item, identity: this.options.identity(item), fingerprint: this.options.fingerprint(item) };
  }

  private start(items: T[]): void {
    if (this.done) return;
    this.queue.unshift(...items.map((item) => this.entry(item)));
    this.ready = true;
    this.drain();
  }

  private take(): IteratorResult<T | SlowConsumer> | null {
    while (this.ready && this.queue.length > 0) {
      const entry = this.queue.shift()!;
      if (entry instanceof SlowConsumer) {
        this.finish();
        return { value: entry, done: false };
      }
      if (this.delivered.get(entry.identity) === entry.fingerprint) continue;
      this.delivered.set(entry.identity, entry.fingerprint);
      if (this.options.isLast?.(entry.item)) this.finish();
      return { value: entry.item, done: false };
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
    for (const fanout of this.fanouts) fanout.remove(this);
    this.fanouts = [];
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.stopListening();
    this.queue.length = 0;
    this.options.onEnd?.();
  }
}

/** Each bus's fan-outs by topic. */
const fanoutsOf = new WeakMap<Bus, Map<string, TopicFanout<any>>>();

/**
 * One topic's streams behind one bus listener, grouped by selection key (a stream without one is a
 * group of its own). Streams are offered each payload in the order they started listening within
 * their group; a stream that ends or starts during a delivery is left out or offered it, as it
 * would be with a listener of its own on the bus.
 */
class TopicFanout<P> {
  private readonly groups = new Map<unknown, Set<EventStream<unknown, P>>>();
  private readonly unlisten: () => void;

  private constructor(
    private readonly bus: Bus,
    private readonly topic: Topic<P>,
  ) {
    this.unlisten = bus.listen(topic, (payload) => this.deliver(payload));
  }

  static of<P>(bus: Bus, topic: Topic<P>): TopicFanout<P> {
    let byTopic = fanoutsOf.get(bus);
    if (!byTopic) fanoutsOf.set(bus, (byTopic = new Map()));
    let fanout = byTopic.get(topic) as TopicFanout<P> | undefined;
    if (!fanout) byTopic.set(topic, (fanout = new TopicFanout(bus, topic)));
    return fanout;
  }

  add(stream: EventStream<any, P>): void {
    let group = this.groups.get(stream.groupKey);
    if (!group) this.groups.set(stream.groupKey, (group = new Set()));
    group.add(stream);
  }

  /** The last stream gone, the topic's bus listener goes too. */
  remove(stream: EventStream<any, P>): void {
    const group = this.groups.get(stream.groupKey);
    if (!group?.delete(stream) || group.size > 0) return;
    this.groups.delete(stream.groupKey);
    if (this.groups.size > 0) return;
    this.unlisten();
    fanoutsOf.get(this.bus)?.delete(this.topic);
  }

  private deliver(payload: P): void {
    for (const group of this.groups.values()) {
      let entry: Entry<unknown> | null | undefined;
      for (const stream of group) {
        if (entry === undefined) entry = stream.entryOf(payload);
        if (entry === null) break;
        stream.offer(entry);
      }
    }
  }
}
