import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

/**
 * Fan-out without executing the same thing once per subscriber. graphql-js executes a
 * subscription's selection anew for every event and every subscriber (building the execution
 * context, coercing variables); with ten thousand consoles watching one provider that is most of
 * the cost of an event. Subscribers in one scope (a tenant: every resolver reads only the tenant,
 * the arguments and the event) with the same operation and variables get the same result for the
 * same event, so it is executed once, for the first of them, and shared. Events are shared objects
 * (the bus parses one payload per message for all listeners): results are cached per event object
 * and go away with it. Items made for one subscriber (its current state) are never shared.
 */
export function useSharedSubscriptionResults<Context extends Record<string, any>>(scopeOf: (context: Context) => object | undefined): Plugin<Context> {
  const serials = new WeakMap<object, number>();
  let lastSerial = 0;
  const serialOf = (value: object): number => {
    let serial = serials.get(value);
    if (serial === undefined) serials.set(value, (serial = (lastSerial += 1)));
    return serial;
  };
  const results = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();

  const subscribe = async (args: ExecutionArgs) => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const scope = scopeOf(args.contextValue as Context);
    const key = scope && `${serialOf(scope)}|${serialOf(args.document)}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}`;
    return new ResultStream(source[Symbol.asyncIterator](), (event: unknown) => {
      if (!key || typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
      let byOperation = results.get(event);
      if (!byOperation) results.set(event, (byOperation = new Map()));
      let result = byOperation.get(key);
      if (!result) byOperation.set(key, (result = execute({ ...args, rootValue: event })));
      return result;
    });
  };

  return {
    onSubscribe: ({ setSubscribeFn }) => setSubscribeFn(subscribe as Parameters<typeof setSubscribeFn>[0]),
  };
}

/**
 * Events mapped to results: a plain class, with one promise per event where async methods made
 * three, as each costs once per subscriber and event; a shared result already made is passed on as
 * is. No callback is kept per instance: under tsx each named closure carries a property
 * dictionary of its own, a quarter of a kilobyte per subscriber.
 */
class ResultStream implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly resultOf: (event: unknown) => ExecutionResult | Promise<ExecutionResult>,
  ) {}

  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.source.next().then((item) => {
      if (item.done) return DONE;
      const result = this.resultOf(item.value);
      return result instanceof Promise ? result.then(notDone) : notDone(result);
    });
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });
const notDone = (value: ExecutionResult): IteratorResult<ExecutionResult> => ({ value, done: false });
