import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/context.js';

/**
 * A list that spans providers still answers when one of them fails: the failing provider's error
 * (code, provider, vendorCode) joins the response's errors while the others' data arrives.
 */
export function usePartialFailures(): Plugin<GatewayContext> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          const failures = (args.contextValue as GatewayContext).partialFailures;
          if (failures.length === 0 || isAsyncIterable(result)) return;
          setResult({ ...result, errors: [...(result.errors ?? []), ...failures] });
        },
      };
    },
  };
}
