import { GraphQLError, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import { operationOf, requiredScopes } from '../core/access.js';

/**
 * Each API key does only what its scopes allow (core/access.ts says which scope each operation
 * needs). Checked when the operation starts, over HTTP, SSE and WebSocket alike, so a refused
 * operation reaches no resolver and no vendor.
 */
export function useScopes(): Plugin<GatewayContext> {
  const refusal = (context: GatewayContext, document: DocumentNode, operationName: string | null | undefined) => {
    const operation = operationOf(document, operationName);
    if (!operation) return null;
    const missing = requiredScopes(document, operation).find((scope) => !context.principal.scopes.has(scope));
    if (!missing) return null;
    return {
      errors: [
        new GraphQLError(`This API key lacks the scope \`${missing}\` that this operation needs`, {
          extensions: { code: 'FORBIDDEN', requiredScope: missing, http: { status: 403 } },
        }),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args.contextValue as GatewayContext, args.document, args.operationName);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args.contextValue as GatewayContext, args.document, args.operationName);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
