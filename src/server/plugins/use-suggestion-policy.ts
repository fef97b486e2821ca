import { getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * "Did you mean …" in errors maps the schema for whoever asks: field, argument and type names, and
 * enum values ("Did you mean the enum value AVAILABLE?"). Hidden unless chosen, and always when
 * introspection is off. graphql-js leaves them out itself when told (`hideSuggestions`): in
 * validation, and in the coercion of variables, which is checked here before graphql-jit (which
 * coerces without the option) runs. graphql-armor's masking covered field names only.
 */

interface Operation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Readonly<Record<string, unknown>> | null;
}

/** The variables' coercion errors, without suggestions; null when they coerce. */
function variableErrors({ schema, document, operationName, variableValues }: Operation): GraphQLError[] | null {
  const operation = getOperationAST(document, operationName);
  if (!operation?.variableDefinitions?.length) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions, variableValues ?? {}, { hideSuggestions: true });
  if (!coerced.errors) return null;
  return coerced.errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
}

export function useSuggestionPolicy(show: boolean): Plugin {
  if (show) return {};
  return {
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn((schema, document, rules, options, typeInfo) => validateFn(schema, document, rules, { ...options, hideSuggestions: true }, typeInfo));
    },
    onExecute({ args, setResultAndStopExecution }) {
      const errors = variableErrors(args);
      if (errors) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = variableErrors(args);
      if (errors) setResultAndStopExecution({ errors });
    },
  };
}
