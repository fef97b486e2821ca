import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { SubscriptionPlan, SubscriptionStream, type SubscriptionConcern } from './subscription-stream.js';

/**
 * Fan-out without executing the same thing once per subscriber. graphql-js executes a
 * subscription's selection anew for every event and every subscriber (building the execution
 * context, coercing variables); with ten thousand consoles watching one provider that is most of
 * the cost of an event. Subscribers in one scope (a tenant: every resolver reads only the tenant,
 * the arguments and the event) with the same operation and variables get the same result for the
 * same event, so it is executed once, for the first of them, and shared. Events are shared objects
 * (the bus parses one payload per message for all listeners): results are cached per event object
 * and go away with it. Items made for one subscriber (its current state) are never shared.
 *
 * Each subscription is one SubscriptionStream, which also carries `concerns` (budgets, event costs,
 * metrics, logs) instead of a wrapper per plugin.
 */
export function useSharedSubscriptionResults<Context extends Record<string, any>>(
  scopeOf: (context: Context) => object | undefined,
  /** The context of one execution, made from the subscription's (per-execution caches start empty). */
  contextForOneExecution: (context: Context) => Context,
  concerns: readonly SubscriptionConcern<Context>[],
): Plugin<Context> {
  const serials = new WeakMap<object, number>();
  let lastSerial = 0;
  const serialOf = (value: object): number => {
    let serial = serials.get(value);
    if (serial === undefined) serials.set(value, (serial = (lastSerial += 1)));
    return serial;
  };
  const results = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();
  const executeFor = (stream: SubscriptionStream<Context>, event: unknown) =>
    stream.execute(() => execute({ ...stream.args, contextValue: contextForOneExecution(stream.context), rootValue: event }));
  const plan = new SubscriptionPlan<Context>(concerns, (stream, event) => {
    const key = stream.key;
    if (!key || typeof event !== 'object' || event === null) return executeFor(stream, event);
    let byOperation = results.get(event);
    if (!byOperation) results.set(event, (byOperation = new Map()));
    let result = byOperation.get(key);
    if (!result) {
      const made = executeFor(stream, event);
      // Once made, the result itself is shared: later subscribers need not wait on a promise each.
      if (made instanceof Promise) void made.then((value) => byOperation.set(key, value), () => undefined);
      byOperation.set(key, (result = made));
    }
    return result;
  });

  const subscribe = async (args: ExecutionArgs) => {
    const scope = scopeOf(args.contextValue as Context);
    // Joined, not a template: a template makes a rope of string pieces that each subscriber would keep.
    const key = scope && [serialOf(scope), serialOf(args.document), args.operationName ?? '', JSON.stringify(args.variableValues ?? {})].join('|');
    const stream = new SubscriptionStream<Context>(args, key, plan);
    const refusal = stream.admit();
    if (refusal) return refusal;
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(args);
    } catch (error) {
      return stream.failed(error);
    }
    return stream.start(source);
  };

  return {
    onSubscribe: ({ setSubscribeFn }) => setSubscribeFn(subscribe as Parameters<typeof setSubscribeFn>[0]),
  };
}
