import type { ExecutionArgs, ExecutionResult } from 'graphql';
import { outsideEveryCall } from '../../infrastructure/call-context.js';
import { isPushing, type ItemReceiver } from '../../live/event-stream.js';

/**
 * One subscription's results, and everything the gateway does around them, in one iterator layer.
 * envelop gives each plugin that follows a stream a wrapper of its own: an iterator, a handler list
 * and closures per subscriber, kept for the subscription's whole life (with ten thousand consoles,
 * kilobytes each). Here each concern (per-key budget, event costs, metrics, operation log, request
 * ids on errors) is a set of functions made once per gateway, and a subscriber holds one object.
 */
export interface SubscriptionConcern<Context> {
  /** Before the source is made (after every plugin's check): a result refuses the subscription. */
  admit?(stream: SubscriptionStream<Context>): ExecutionResult | undefined;
  /** The source is a live stream. */
  opened?(stream: SubscriptionStream<Context>): void;
  /**
   * Wraps each execution of an event's payload for this subscriber. Not called for a result another
   * subscriber's execution made (use-shared-subscription-results.ts): that one was run within its own.
   */
  execution?<T>(stream: SubscriptionStream<Context>, execute: () => T): T;
  /** Each result as it leaves, before yoga masks its errors. */
  result?(stream: SubscriptionStream<Context>, result: ExecutionResult): void;
  /**
   * Once per admitted subscription: `single` when it never became a stream (its setup answered
   * with errors), `failure` when the stream threw, neither when it completed or the client left.
   */
  ended?(stream: SubscriptionStream<Context>, single: ExecutionResult | undefined, failure: unknown): void;
}

/**
 * Each live stream by the arguments it was made with, for a transport that iterates the stream
 * itself (graphql-ws-server.ts) rather than through the iterators envelop wraps around it for
 * plugins that follow results (yoga's error masking: two wrappers, their handler lists and
 * closures per subscriber, and a promise each per event).
 */
const liveStreams = new WeakMap<ExecutionArgs, AsyncIterableIterator<ExecutionResult>>();

/** The live stream made with these arguments, now handed to its transport (undefined if none). */
export function takeStream(args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> | undefined {
  const stream = liveStreams.get(args);
  liveStreams.delete(args);
  return stream;
}

/**
 * Where a stream's results go when they are pushed (graphql-ws-framing.ts) rather than pulled. None
 * of these may throw: they run within the bus's delivery to every subscriber.
 */
export interface ResultSink {
  result(result: ExecutionResult): void;
  /** The results ended: the source ended, or the client or the server ended the subscription. */
  complete(): void;
  failed(error: unknown): void;
}

/** Maps a source event to its result (shared between subscribers where it can be). */
export type ResultOf = (stream: SubscriptionStream<any>, event: unknown) => ExecutionResult | Promise<ExecutionResult>;

/** What every stream of one gateway shares: the concerns, split by hook so that a stream loops only over those it needs. */
export class SubscriptionPlan<Context> {
  readonly admits: SubscriptionConcern<Context>[];
  readonly openers: SubscriptionConcern<Context>[];
  readonly executors: SubscriptionConcern<Context>[];
  readonly observers: SubscriptionConcern<Context>[];
  readonly enders: SubscriptionConcern<Context>[];

  constructor(
    concerns: readonly SubscriptionConcern<Context>[],
    readonly resultOf: ResultOf,
  ) {
    this.admits = concerns.filter((concern) => concern.admit);
    this.openers = concerns.filter((concern) => concern.opened);
    this.executors = concerns.filter((concern) => concern.execution);
    this.observers = concerns.filter((concern) => concern.result);
    this.enders = concerns.filter((concern) => concern.ended);
  }
}

/**
 * A plain class with no callback per instance, and one promise per event where layers made one
 * each.
 */
export class SubscriptionStream<Context> implements AsyncIterableIterator<ExecutionResult>, ItemReceiver<unknown> {
  readonly startedAt = performance.now();
  /** Results delivered so far: the first one is the current state. */
  delivered = 0;
  /** The source became a live stream (it did not answer with errors at once). */
  opened = false;
  private source: AsyncIterator<unknown> | null = null;
  private over = false;
  private sink: ResultSink | null = null;

  constructor(
    readonly args: ExecutionArgs,
    /** Subscribers with the same key get the same result for the same event; undefined shares nothing. */
    readonly key: string | undefined,
    private readonly plan: SubscriptionPlan<Context>,
  ) {}

  get context(): Context {
    return this.args.contextValue as Context;
  }

  /** A refusal of the concerns that admit subscriptions, if any. */
  admit(): ExecutionResult | undefined {
    for (const concern of this.plan.admits) {
      const refusal = concern.admit!(this);
      if (refusal) return refusal;
    }
    return undefined;
  }

  /** The source is made: a stream from now on, or a single result that ends the subscription. */
  start(source: AsyncIterable<unknown> | ExecutionResult): this | ExecutionResult {
    if (!(Symbol.asyncIterator in source)) {
      this.end(source, undefined);
      return source;
    }
    this.source = source[Symbol.asyncIterator]();
    // Ended while the source was being made (its key was revoked): the source ends at once too.
    if (this.over) {
      void this.source.return?.();
      return this;
    }
    this.opened = true;
    liveStreams.set(this.args, this);
    for (const concern of this.plan.openers) concern.opened!(this);
    return this;
  }

  /** Making the source, a pull or an execution threw: the subscription ends there (yoga masks the error). */
  failed(error: unknown): never {
    this.end(undefined, error);
    throw error;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.over || !this.source) return Promise.resolve(DONE);
    return this.source.next().then(
      (item) => this.resultOf(item),
      (error: unknown) => this.failed(error),
    );
  }

  /** The source can push its events (the bus's event streams can), so that results can be pushed to a sink. */
  get pushable(): boolean {
    return this.source !== null && !this.over && this.sink === null && isPushing(this.source);
  }

  /**
   * From now on each result goes to `sink` as its event arrives, with no promise per event (only
   * when `pushable`; `next()` is not called any more). An execution that returns a promise holds
   * the events behind it until it settles, as iterating would.
   */
  pushTo(sink: ResultSink): void {
    this.sink = sink;
    if (this.source && isPushing(this.source)) this.source.pushTo(this);
  }

  /**
   * An event pushed by the source, within the bus's delivery (or the current state's read): run
   * outside whatever call published it, as it would run when pulled, so that the execution's logs
   * and upstream budget are not the publisher's.
   */
  receive(item: IteratorResult<unknown>): boolean {
    return outsideEveryCall(received, this, item);
  }

  /** Hands a result (or the end) to the sink; false when nothing more is to be pushed. */
  pass(result: IteratorResult<ExecutionResult>): boolean {
    if (result.done) {
      this.sink!.complete();
      return false;
    }
    this.sink!.result(result.value);
    return true;
  }

  /** Making a pushed result threw (the stream has ended), or its promise failed. */
  pushFailed(error: unknown): false {
    this.sink!.failed(error);
    return false;
  }

  /** A promised result was pushed: the events held behind it come now. */
  resume(): void {
    if (this.source && isPushing(this.source)) this.source.resume();
  }

  /** Runs `execute` (an execution of the payload for this subscriber) within every concern's `execution`. */
  execute<T>(execute: () => T, index = 0): T {
    const executors = this.plan.executors;
    return index === executors.length ? execute() : executors[index]!.execution!(this, () => this.execute(execute, index + 1));
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    const source = this.source;
    this.end(undefined, undefined);
    await source?.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  resultOf(item: IteratorResult<unknown>): IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>> {
    if (item.done) {
      this.end(undefined, undefined);
      return DONE;
    }
    try {
      const result = this.plan.resultOf(this, item.value);
      return result instanceof Promise ? result.then((value) => this.deliver(value), (error: unknown) => this.failed(error)) : this.deliver(result);
    } catch (error) {
      return this.failed(error);
    }
  }

  private deliver(result: ExecutionResult): IteratorResult<ExecutionResult> {
    this.delivered += 1;
    for (const concern of this.plan.observers) concern.result!(this, result);
    return { value: result, done: false };
  }

  private end(single: ExecutionResult | undefined, failure: unknown): void {
    if (this.over) return;
    this.over = true;
    liveStreams.delete(this.args);
    for (const concern of this.plan.enders) concern.ended!(this, single, failure);
  }
}

/** SubscriptionStream.receive's work, a function of its own so that no closure is made per event. */
function received(stream: SubscriptionStream<unknown>, item: IteratorResult<unknown>): boolean {
  try {
    const result = stream.resultOf(item);
    if (!(result instanceof Promise)) return stream.pass(result);
    result.then(
      (settled) => stream.pass(settled) && stream.resume(),
      (error: unknown) => stream.pushFailed(error),
    );
    return false;
  } catch (error) {
    return stream.pushFailed(error);
  }
}

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });
