import type { ExecutionArgs, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/context.js';

/**
 * The hooks of a check that may refuse an operation before it runs, over every transport: a query
 * or mutation (HTTP, SSE, WebSocket) and a subscription alike. A refusal is the operation's whole
 * result, so no resolver runs and nothing reaches a vendor.
 */
export type Check = (args: ExecutionArgs) => { errors: GraphQLError[] } | null | Promise<{ errors: GraphQLError[] } | null>;

export function refuseBeforeRunning(check: Check): Pick<Plugin<GatewayContext>, 'onExecute' | 'onSubscribe'> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const refused = await check(args);
      if (refused) setResultAndStopExecution(refused);
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const refused = await check(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
