import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { WebSocket } from 'ws';
import type { GatewayContext } from '../../schema/context.js';

/**
 * What one API key may hold open on this replica: so many subscriptions (WebSocket and SSE
 * together) and so many WebSockets. Each open subscription keeps a watch that a poller serves, so
 * an unbounded number of them is an unbounded number of vendor requests. The ids one
 * subscription may watch are capped with every other list argument (schema/costs.ts).
 */
export class KeySubscriptions {
  /** Per key, its open subscriptions: their streams once they exist, a placeholder until then. */
  private readonly open = new Map<string, Set<object>>();

  constructor(private readonly maxPerKey: number) {}

  plugin(): Plugin<GatewayContext> {
    return {
      onSubscribe: ({ args, setResultAndStopExecution }) => {
        const key = (args.contextValue as GatewayContext).principal.keyHash;
        let held = this.open.get(key);
        if (!held) this.open.set(key, (held = new Set()));
        if (held.size >= this.maxPerKey) {
          setResultAndStopExecution({
            errors: [new GraphQLError(`This API key already holds ${this.maxPerKey} subscriptions, the most it may`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })],
          });
          return;
        }
        let entry: object = {};
        held.add(entry);
        const release = () => {
          held.delete(entry);
          if (held.size === 0 && this.open.get(key) === held) this.open.delete(key);
        };
        return {
          onSubscribeResult({ result }) {
            if (!isAsyncIterable(result)) return release();
            held.delete(entry);
            held.add((entry = result));
            return { onEnd: release };
          },
          onSubscribeError: release,
        };
      },
    };
  }

  /** Ends every subscription of these keys (SSE streams complete; WebSockets are closed apart). */
  revoke(keyHashes: readonly string[]): void {
    for (const hash of keyHashes) {
      for (const stream of this.open.get(hash) ?? []) void (stream as Partial<AsyncIterator<unknown>>).return?.();
    }
  }
}

/** The WebSockets open per API key: capped, and found again when a key is revoked. */
export class KeySockets {
  private readonly byKey = new Map<string, Set<WebSocket>>();

  constructor(private readonly maxPerKey: number) {}

  /** Counts the socket under its key, or closes it (4429) when the key already holds its most. */
  admit(keyHash: string, socket: WebSocket): boolean {
    let sockets = this.byKey.get(keyHash);
    if (!sockets) this.byKey.set(keyHash, (sockets = new Set()));
    if (sockets.size >= this.maxPerKey) {
      socket.close(4429, 'Too many WebSockets for this API key');
      return false;
    }
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.byKey.get(keyHash) === sockets) this.byKey.delete(keyHash);
    });
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
