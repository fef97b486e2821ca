import type { ExecutionArgs, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/context.js';

/**
 * The hooks of a check that may refuse an operation before it runs, over every transport: a query
 * or mutation (HTTP, SSE, WebSocket) and a subscription alike. A refusal is the operation's whole
 * result, so no resolver runs and nothing reaches a vendor.
 */
export type Check = (args: ExecutionArgs) => Refusal | null | Promise<Refusal | null>;
type Refusal = { errors: GraphQLError[] };

/**
 * A check that answers at once (scopes, cost) refuses at once: envelop runs the hooks of an
 * operation one after the other and goes on synchronously after a hook that returns no promise,
 * where an async hook would cost each operation a promise chain and its turns of the microtask queue.
 */
function refuseWith(check: Check, args: ExecutionArgs, refuse: (refusal: Refusal) => void): void | Promise<void> {
  const checked = check(args);
  if (checked instanceof Promise) return checked.then((refused) => void (refused && refuse(refused)));
  if (checked) refuse(checked);
}

export function refuseBeforeRunning(check: Check): Pick<Plugin<GatewayContext>, 'onExecute' | 'onSubscribe'> {
  return {
    onExecute: ({ args, setResultAndStopExecution }) => refuseWith(check, args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => refuseWith(check, args, setResultAndStopExecution),
  };
}
