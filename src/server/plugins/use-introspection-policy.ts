import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../../providers/access.js';

/**
 * Introspection stays on for GraphiQL and codegen, and can be switched off for production. Off, it
 * hides the federation fields too (`_service { sdl }` prints the whole schema, `_entities` reaches
 * every entity), except for the key marked `federationRouter`, which composes and routes.
 */
const FEDERATION_FIELDS = new Set(['_service', '_entities']);

const NoFederationFieldsRule: ValidationRule = (context) => ({
  Field(node) {
    if (FEDERATION_FIELDS.has(node.name.value) && context.getParentType() === context.getSchema().getQueryType()) {
      context.reportError(new GraphQLError(`Cannot query field "${node.name.value}" on type "Query".`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
    }
  },
});

export function useIntrospectionPolicy(enabled: boolean): Plugin<{ principal?: Principal }> {
  return {
    onValidate({ addValidationRule, context }) {
      if (enabled) return;
      addValidationRule(NoSchemaIntrospectionCustomRule);
      if (!context.principal?.federationRouter) addValidationRule(NoFederationFieldsRule);
    },
  };
}
