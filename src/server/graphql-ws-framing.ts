import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { SubscriptionStream, type ResultSink } from './plugins/subscription-stream.js';

/**
 * `next` messages of graphql-ws subscriptions, framed here instead of by graphql-ws. graphql-ws
 * stringifies `{"id":…,"type":"next","payload":…}` once per subscriber and event, after validating
 * it, and awaits one promise per send; with ten thousand subscribers sharing one result (see
 * use-shared-subscription-results) that is the same payload serialised ten thousand times. Here a
 * result is serialised once, however many subscribers it reaches (results are memoised by object
 * identity), and each socket gets its own bytes: the message's head with its operation id, the
 * shared payload and a closing brace, in one write per socket, nothing re-stringified.
 * graphql-ws keeps the rest of the protocol: acknowledgement, validation errors, `error` when the
 * stream throws, `complete` when it ends or the client completes it, and closing.
 */

/**
 * What yoga's masking wrappers do to a stream, for one that is iterated here without them
 * (graphql-ws-server.ts): each result's errors are masked, and so is an error the stream throws.
 */
export interface StreamMasking {
  result(result: ExecutionResult): ExecutionResult;
  thrown(error: unknown): unknown;
}

/** For a stream that is already masked (or needs no masking). */
export const UNMASKED: StreamMasking = { result: (result) => result, thrown: (error) => error };

const payloads = new WeakMap<ExecutionResult, string>();
const TEXT = { binary: false };

/**
 * The `payload` of a `next` message, exactly as graphql-ws writes it (errors last, through their
 * toJSON), and the message's closing brace: its UTF-8 bytes, one latin1 character each.
 */
function payloadBytes(result: ExecutionResult): string {
  let payload = payloads.get(result);
  if (payload === undefined) {
    const { errors, ...rest } = result;
    payload = Buffer.from(`${JSON.stringify(errors ? { ...rest, errors: errors.map((error) => error.toJSON()) } : result)}}`).toString('latin1');
    payloads.set(result, payload);
  }
  return payload;
}

/**
 * graphql-ws's `subscribe` for one operation of one socket: what graphql-ws gets back is a stream
 * that yields nothing and ends when the results end (graphql-ws then sends `complete`) or fails when
 * they fail (graphql-ws sends `error`), while each result goes to the socket as a framed `next`
 * message. A single result (a subscription that failed before it started) passes through untouched.
 */
export function framedSubscriber(socket: WebSocket, wire: Duplex, id: string, subscribe: (args: ExecutionArgs) => OperationResult) {
  return async (args: ExecutionArgs): Promise<AsyncIterable<never> | ExecutionResult> => framed(socket, wire, id, await subscribe(args));
}

/** framedSubscriber's answer for a result already made. */
export function framed(socket: WebSocket, wire: Duplex, id: string, result: Awaited<OperationResult>, masking = UNMASKED): AsyncIterable<never> | ExecutionResult {
  return Symbol.asyncIterator in result ? new FramedResults(socket, wire, id, result as AsyncIterable<ExecutionResult>, masking) : (result as ExecutionResult);
}

/**
 * graphql-ws awaits `next()` once, for the whole subscription. A gateway stream whose events are
 * pushed (subscription-stream.ts) sends each result as it is pushed: no promise per event and
 * subscriber. Any other stream is pulled by one async loop: no callbacks kept per socket (under tsx
 * every named closure carries a property dictionary of its own, a quarter of a kilobyte each).
 */
class FramedResults implements AsyncIterableIterator<never>, ResultSink {
  /**
   * The message up to its payload (`{"id":…,"type":"next","payload":`), its UTF-8 bytes as a latin1
   * string (see send), kept as a string: a Buffer
   * per socket would be a slice of Node's shared 8 KiB pool and keep a whole slab alive (about 0.7
   * KiB of memory outside the heap each).
   */
  private readonly head: string;
  /** Frames are written whole to the connection (no permessage-deflate); fixed once the socket is open. */
  private readonly whole: boolean;
  private readonly results: AsyncIterator<ExecutionResult>;
  /** The pending `next()` of a pushed stream, settled when the results end or fail. */
  private outcome: { resolve(done: IteratorResult<never>): void; reject(error: unknown): void } | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly wire: Duplex,
    id: string,
    results: AsyncIterable<ExecutionResult>,
    private readonly masking: StreamMasking,
  ) {
    this.head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`).toString('latin1');
    this.whole = socket.extensions === '';
    this.results = results[Symbol.asyncIterator]();
  }

  next(): Promise<IteratorResult<never>> {
    const results = this.results;
    if (!(results instanceof SubscriptionStream && results.pushable)) return this.pulled();
    return new Promise((resolve, reject) => {
      this.outcome = { resolve, reject };
      results.pushTo(this);
    });
  }

  result(result: ExecutionResult): void {
    try {
      this.send(this.masking.result(result));
    } catch (error) {
      // As when pulled: the failure ends the subscription with graphql-ws's `error` message.
      void this.results.return?.();
      this.failed(error);
    }
  }

  complete(): void {
    this.outcome?.resolve(DONE);
  }

  failed(error: unknown): void {
    this.outcome?.reject(this.masking.thrown(error));
  }

  private async pulled(): Promise<IteratorResult<never>> {
    // No local variable holds a result: a suspended async frame keeps its locals, so a local would
    // keep the last result sent (its whole data tree) alive per subscriber until the next event.
    try {
      while (this.sent(await this.results.next()));
    } catch (error) {
      throw this.masking.thrown(error);
    }
    return DONE;
  }

  /** Sends the result; false when the results have ended. */
  private sent(item: IteratorResult<ExecutionResult>): boolean {
    if (item.done) return false;
    this.send(this.masking.result(item.value));
    return true;
  }

  /** The client completed the operation or went away: the pending `next` ends with the results. */
  async return(): Promise<IteratorResult<never>> {
    await this.results.return?.();
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The whole WebSocket frame, header and message, in one write to the connection: ws's send would
   * write them as two (a writev) after an options object and a header buffer of its own. The frame
   * is a latin1 string of its bytes: Node copies a string this small straight into the write,
   * where a Buffer would be allocated and filled per socket first. Safe beside ws's own writes,
   * which are whole frames written at once, as long as it neither compresses nor queues: the
   * gateway's server negotiates no permessage-deflate; a socket that did is sent to through ws.
   */
  private send(result: ExecutionResult): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const message = this.head + payloadBytes(result);
    if (this.whole) this.wire.write(header(message.length) + message, 'latin1');
    else this.socket.send(Buffer.from(message, 'latin1'), TEXT);
  }
}

/** The header of a final, uncompressed, unmasked text frame carrying `length` bytes, as ws writes it (RFC 6455, 5.2), one latin1 character a byte. */
function header(length: number): string {
  if (length < 126) return String.fromCharCode(0x81, length);
  if (length < 65_536) return String.fromCharCode(0x81, 126, length >>> 8, length & 0xff);
  const high = Math.floor(length / 2 ** 32);
  return String.fromCharCode(0x81, 127, high >>> 24, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });
