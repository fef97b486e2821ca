import { GraphQLError, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/context.js';
import { operationOf, requiredScopes, type Scope } from '../../providers/access.js';
import { listingFields } from '../../schema/costs.js';
import { MUTATION_SCOPES, schema } from '../../schema/index.js';
import { refuseBeforeRunning } from './refuse-before-running.js';

/**
 * Each API key does only what its scopes allow (each mutation declares its scope in the schema;
 * providers/access.ts reads it). A field that reads a vendor listing needs `read` wherever it
 * appears: in a mutation's payload too, or a key that may only create could list through what it
 * created (`snapshot { volume { backups(first: 100) } }`). Checked when the operation starts, over
 * HTTP, SSE and WebSocket alike, so a refused operation reaches no resolver and no vendor.
 */
const LISTINGS = listingFields(schema);

export function useScopes(): Plugin<GatewayContext> {
  return refuseBeforeRunning(({ contextValue, document, operationName }) => {
    const operation = operationOf(document, operationName);
    if (!operation) return null;
    const { principal } = contextValue as GatewayContext;
    const needed = requiredScopes(document, operation, MUTATION_SCOPES);
    if (!needed.includes('read') && !principal.scopes.has('read') && selectsListing(document, operation)) needed.push('read');
    const missing = needed.find((scope) => !principal.scopes.has(scope));
    return missing ? { errors: [forbidden(missing)] } : null;
  });
}

function forbidden(scope: Scope): GraphQLError {
  return new GraphQLError(`This API key lacks the scope \`${scope}\` that this operation needs`, {
    extensions: { code: 'FORBIDDEN', requiredScope: scope, http: { status: 403 } },
  });
}

/** Whether the operation, or a fragment in its document, selects a listing field. */
function selectsListing(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (parent && LISTINGS.has(`${parent.name}.${node.name.value}`)) found = true;
    },
  });
  for (const definition of document.definitions) {
    if (definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, visitor);
  }
  return found;
}
