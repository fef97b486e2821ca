import { getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BoundedMap } from '../../domain/bounded-map.js';

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

/** Variable sets known to coerce, per document: a console repeats a handful of them. */
const COERCIBLE_PER_DOCUMENT = 64;

/**
 * `variableErrors` remembered for the variables that coerce: whether they do is a pure function of
 * the document (yoga's parser cache hands back the same DocumentNode for the same text), the
 * operation name and the variables, which are read from JSON, so their JSON text says all they hold.
 * Errors are made again each time: they belong to one request (its request id is attached to them).
 */
function rememberedVariableErrors(): (operation: Operation) => GraphQLError[] | null {
  const byDocument = new WeakMap<DocumentNode, BoundedMap<string, true>>();
  return (operation) => {
    let coercible = byDocument.get(operation.document);
    if (!coercible) byDocument.set(operation.document, (coercible = new BoundedMap(COERCIBLE_PER_DOCUMENT)));
    const key = `${operation.operationName ?? ''}\n${JSON.stringify(operation.variableValues ?? {})}`;
    if (coercible.has(key)) return null;
    const errors = variableErrors(operation);
    if (!errors) coercible.set(key, true);
    return errors;
  };
}

export function useSuggestionPolicy(show: boolean): Plugin {
  if (show) return {};
  const errorsOf = rememberedVariableErrors();
  return {
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn((schema, document, rules, options, typeInfo) => validateFn(schema, document, rules, { ...options, hideSuggestions: true }, typeInfo));
    },
    onExecute({ args, setResultAndStopExecution }) {
      const errors = errorsOf(args);
      if (errors) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = errorsOf(args);
      if (errors) setResultAndStopExecution({ errors });
    },
  };
}
