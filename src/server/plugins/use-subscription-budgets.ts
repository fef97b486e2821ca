import { GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import type { GatewayContext } from '../../schema/context.js';
import type { SubscriptionConcern } from './subscription-stream.js';

/**
 * What one API key may hold open on this replica: so many subscriptions (WebSocket and SSE
 * together) and so many WebSockets. Each open subscription keeps a watch that a poller serves, so
 * an unbounded number of them is an unbounded number of vendor requests. The ids one
 * subscription may watch are capped with every other list argument (schema/costs.ts).
 */
export class KeySubscriptions {
  /** Per key, its open subscriptions. */
  private readonly open = new Map<string, Set<AsyncIterator<unknown>>>();

  constructor(private readonly maxPerKey: number) {}

  /** Counts a subscription under its key from when every other check passed until it ends. */
  concern(): SubscriptionConcern<GatewayContext> {
    return {
      admit: (stream) => {
        const key = stream.context.principal.keyHash;
        let held = this.open.get(key);
        if (!held) this.open.set(key, (held = new Set()));
        if (held.size >= this.maxPerKey) {
          return {
            errors: [new GraphQLError(`This API key already holds ${this.maxPerKey} subscriptions, the most it may`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })],
          };
        }
        held.add(stream);
        return undefined;
      },
      ended: (stream) => {
        const key = stream.context.principal.keyHash;
        const held = this.open.get(key);
        held?.delete(stream);
        if (held?.size === 0) this.open.delete(key);
      },
    };
  }

  /** Ends every subscription of these keys (SSE streams complete; WebSockets are closed apart). */
  revoke(keyHashes: readonly string[]): void {
    for (const hash of keyHashes) {
      for (const stream of this.open.get(hash) ?? []) void stream.return?.();
    }
  }
}

/** The WebSockets open per API key: capped, and found again when a key is revoked. */
export class KeySockets {
  private readonly byKey = new Map<string, Set<WebSocket>>();
  /** Each admitted socket's key, for the one close listener every socket shares. */
  private readonly keyOf = new WeakMap<WebSocket, string>();
  private readonly closed: (this: WebSocket) => void;

  constructor(private readonly maxPerKey: number) {
    const { byKey, keyOf } = this;
    this.closed = function (this: WebSocket) {
      const keyHash = keyOf.get(this)!;
      const sockets = byKey.get(keyHash);
      sockets?.delete(this);
      if (sockets?.size === 0) byKey.delete(keyHash);
    };
  }

  /** Counts the socket under its key, or closes it (4429) when the key already holds its most. */
  admit(keyHash: string, socket: WebSocket): boolean {
    let sockets = this.byKey.get(keyHash);
    if (!sockets) this.byKey.set(keyHash, (sockets = new Set()));
    if (sockets.size >= this.maxPerKey) {
      socket.close(4429, 'Too many WebSockets for this API key');
      return false;
    }
    sockets.add(socket);
    this.keyOf.set(socket, keyHash);
    socket.on('close', this.closed);
    return true;
  }

  /** Closes every socket of these keys with 4403: their key was revoked or its rights changed. */
  revoke(keyHashes: readonly string[]): number {
    let closed = 0;
    for (const hash of keyHashes) {
      for (const socket of this.byKey.get(hash) ?? []) {
        socket.close(4403, 'API key revoked');
        closed += 1;
      }
    }
    return closed;
  }
}
