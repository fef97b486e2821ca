import { createCounter } from '@graphql-yoga/plugin-prometheus';
import { NoDeprecatedCustomRule, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';

/**
 * `graphql_envelop_deprecated_field`, the Prometheus plugin's counter of deprecated fields and
 * arguments in use, with the same name and labels, but without the plugin's walk of every
 * operation's document with a TypeInfo on every request: whether a document touches anything
 * deprecated is asked once per document (yoga's parser cache hands back the same DocumentNode for the
 * same text), with graphql-js's own NoDeprecatedCustomRule, and the plugin's walk then only runs for
 * the documents that do.
 */
export function deprecatedFieldCounter(registry: Registry, schemaOf: () => GraphQLSchema | null) {
  const touchesDeprecated = new WeakMap<DocumentNode, boolean>();
  return createCounter<'parse', 'operationType' | 'fieldName' | 'typeName', { document?: DocumentNode; operationType?: string; deprecationInfo?: { fieldName: string; typeName: string } }>({
    registry,
    counter: {
      name: 'graphql_envelop_deprecated_field',
      help: 'Counts the amount of deprecated fields used in selection sets',
      labelNames: ['operationType', 'fieldName', 'typeName'],
    },
    fillLabelsFn: (params) => ({
      operationType: params.operationType ?? 'query',
      fieldName: params.deprecationInfo?.fieldName ?? '',
      typeName: params.deprecationInfo?.typeName ?? '',
    }),
    phases: ['parse'],
    shouldObserve: ({ document }) => {
      const schema = schemaOf();
      if (!document || !schema) return false;
      let touches = touchesDeprecated.get(document);
      if (touches === undefined) {
        touches = validate(schema, document, [NoDeprecatedCustomRule]).length > 0;
        touchesDeprecated.set(document, touches);
      }
      return touches;
    },
  });
}
