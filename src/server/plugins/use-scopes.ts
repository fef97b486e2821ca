import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/context.js';
import { operationOf, requiredScopes } from '../../providers/access.js';
import { MUTATION_SCOPES } from '../../schema/index.js';
import { refuseBeforeRunning } from './refuse-before-running.js';

/**
 * Each API key does only what its scopes allow (each mutation declares its scope in the schema;
 * providers/access.ts reads it). Checked when the operation starts, over HTTP, SSE and WebSocket alike, so a refused
 * operation reaches no resolver and no vendor.
 */
export function useScopes(): Plugin<GatewayContext> {
  return refuseBeforeRunning(({ contextValue, document, operationName }) => {
    const operation = operationOf(document, operationName);
    if (!operation) return null;
    const { principal } = contextValue as GatewayContext;
    const missing = requiredScopes(document, operation, MUTATION_SCOPES).find((scope) => !principal.scopes.has(scope));
    if (!missing) return null;
    return {
      errors: [
        new GraphQLError(`This API key lacks the scope \`${missing}\` that this operation needs`, {
          extensions: { code: 'FORBIDDEN', requiredScope: missing, http: { status: 403 } },
        }),
      ],
    };
  });
}
