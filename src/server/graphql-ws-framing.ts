import type { ExecutionResult } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import type WebSocket from 'ws';

/**
 * `next` messages of graphql-ws subscriptions, framed here instead of by graphql-ws. graphql-ws
 * stringifies `{"id":…,"type":"next","payload":…}` once per subscriber and event, after validating
 * it, and awaits one promise per send; with ten thousand subscribers sharing one result (see
 * use-shared-subscription-results) that is the same payload serialised ten thousand times. Here a
 * result is serialised once, however many subscribers it reaches (results are memoised by object
 * identity), and each socket gets its own bytes as a copy of a prefix made when it subscribed, the
 * shared payload and a closing brace: one buffer and one send per socket, nothing re-stringified.
 * graphql-ws keeps the rest of the protocol: acknowledgement, validation errors, `error` when the
 * stream throws, `complete` when it ends or the client completes it, and closing.
 */

const payloads = new WeakMap<ExecutionResult, Buffer>();
const CLOSE = Buffer.from('}');
const TEXT = { binary: false };

/** The `payload` of a `next` message, exactly as graphql-ws writes it (errors last, through their toJSON). */
export function serialisedPayload(result: ExecutionResult): Buffer {
  let payload = payloads.get(result);
  if (!payload) {
    const { errors, ...rest } = result;
    payload = Buffer.from(JSON.stringify(errors ? { ...rest, errors: errors.map((error) => error.toJSON()) } : result));
    payloads.set(result, payload);
  }
  return payload;
}

/**
 * What graphql-ws gets for a subscription instead of its results: a stream that yields nothing and
 * ends when the results end (graphql-ws then sends `complete`) or fails when they fail (graphql-ws
 * sends `error`), while each result goes to the socket as a framed `next` message. A single result
 * (a subscription that failed before it started) passes through untouched.
 */
export async function framedSubscription(socket: WebSocket, id: string, result: OperationResult): Promise<AsyncIterable<never> | ExecutionResult> {
  const settled = await result;
  return Symbol.asyncIterator in settled ? new FramedResults(socket, id, settled as AsyncIterable<ExecutionResult>) : (settled as ExecutionResult);
}

/** A class with the loop spelled as callbacks: no async function frames and one promise per result. */
class FramedResults implements AsyncIterableIterator<never> {
  private readonly prefix: Buffer;
  private readonly results: AsyncIterator<ExecutionResult>;
  private settle: { resolve: (done: IteratorResult<never>) => void; reject: (error: unknown) => void } | null = null;
  private readonly onResult = (item: IteratorResult<ExecutionResult>) => {
    if (item.done) return this.end();
    this.send(item.value);
    this.pull();
  };
  private readonly onError = (error: unknown) => {
    const settle = this.settle;
    this.settle = null;
    settle?.reject(error);
  };

  constructor(
    private readonly socket: WebSocket,
    id: string,
    results: AsyncIterable<ExecutionResult>,
  ) {
    this.prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
    this.results = results[Symbol.asyncIterator]();
  }

  next(): Promise<IteratorResult<never>> {
    const ended = new Promise<IteratorResult<never>>((resolve, reject) => (this.settle = { resolve, reject }));
    this.pull();
    return ended;
  }

  async return(): Promise<IteratorResult<never>> {
    await this.results.return?.();
    return this.end();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private pull(): void {
    if (this.settle) this.results.next().then(this.onResult, this.onError);
  }

  private send(result: ExecutionResult): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const payload = serialisedPayload(result);
    const frame = Buffer.allocUnsafe(this.prefix.length + payload.length + CLOSE.length);
    this.prefix.copy(frame, 0);
    payload.copy(frame, this.prefix.length);
    CLOSE.copy(frame, this.prefix.length + payload.length);
    this.socket.send(frame, TEXT);
  }

  private end(): IteratorResult<never> {
    const done: IteratorResult<never> = { value: undefined, done: true };
    const settle = this.settle;
    this.settle = null;
    settle?.resolve(done);
    return done;
  }
}
